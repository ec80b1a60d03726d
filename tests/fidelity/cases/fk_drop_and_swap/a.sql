CREATE TABLE a (id integer PRIMARY KEY);
CREATE TABLE b (id integer PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, x integer CONSTRAINT c_x_fkey REFERENCES a (id));
