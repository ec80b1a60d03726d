CREATE DOMAIN string AS varchar(20) NOT NULL CHECK (VALUE <> '');
CREATE TYPE ref AS (kind text, target string);
CREATE TABLE label (id integer PRIMARY KEY, caption string, link ref);
