CREATE TABLE supplier (id integer PRIMARY KEY, name text NOT NULL);
