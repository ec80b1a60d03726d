-- Keys as people write them: foreign keys composite, to a UNIQUE key, named freely, MATCH FULL,
-- DEFERRABLE [INITIALLY DEFERRED], NOT VALID, without an index.
CREATE TABLE regions (country char(2), code varchar(8), PRIMARY KEY (country, code));
CREATE TABLE users (id serial PRIMARY KEY, login varchar(64) NOT NULL UNIQUE);
CREATE TABLE stores (
    id serial PRIMARY KEY,
    country char(2) NOT NULL,
    region varchar(8) NOT NULL,
    owner varchar(64) REFERENCES users (login) MATCH FULL ON UPDATE CASCADE,
    manager integer CONSTRAINT store_manager REFERENCES users DEFERRABLE,
    parent integer,
    FOREIGN KEY (country, region) REFERENCES regions ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE stores ADD CONSTRAINT stores_parent_fk FOREIGN KEY (parent) REFERENCES stores NOT VALID;
-- unique keys with options
CREATE TABLE seats (id integer PRIMARY KEY, a integer, b integer,
    CONSTRAINT seats_ab UNIQUE NULLS NOT DISTINCT (a, b),
    CONSTRAINT seats_b UNIQUE (b) DEFERRABLE INITIALLY DEFERRED);
CREATE UNIQUE INDEX seats_a ON seats (a) NULLS NOT DISTINCT;
