CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, legacy_code varchar(10));
CREATE INDEX items_legacy ON items (legacy_code);
