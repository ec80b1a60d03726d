CREATE DOMAIN zip5 AS char(5) CHECK (VALUE ~ '^[0-9]{5}$');
CREATE TYPE postal_address AS (
    street text,
    city varchar(80),
    zip zip5
);
COMMENT ON TYPE postal_address IS 'where letters go';
CREATE TABLE supplier (id integer PRIMARY KEY, name text NOT NULL, address postal_address);
