CREATE TABLE jobs (
    id integer PRIMARY KEY,
    state text NOT NULL,
    done boolean NOT NULL DEFAULT false,
    price money DEFAULT '12.50'::money,
    CONSTRAINT jobs_state_check CHECK (
        CASE state
            WHEN 'new' THEN NOT done
            ELSE true
        END
    )
);
CREATE INDEX jobs_open ON jobs ((NOT done));
CREATE INDEX jobs_kind ON jobs ((CASE WHEN state = 'new'
    THEN 1 ELSE 2 END), (state = 'x'));
CREATE INDEX jobs_partial ON jobs (id) WHERE state <> 'gone'
    AND NOT done;
