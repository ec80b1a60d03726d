CREATE TABLE shift (
    worker text NOT NULL,
    hours int4range NOT NULL,
    CONSTRAINT shift_no_overlap EXCLUDE USING gist (hours WITH &&)
);
CREATE TABLE gone (slot int4range, EXCLUDE USING gist (slot WITH &&));
