CREATE TABLE floor (id integer PRIMARY KEY);
