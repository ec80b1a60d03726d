CREATE TABLE shift (
    worker text NOT NULL,
    hours int4range NOT NULL,
    CONSTRAINT shift_no_overlap EXCLUDE USING gist (hours WITH &&) WHERE (worker <> 'admin')
);
CREATE TABLE gone (slot int4range);
