CREATE TABLE slots (id integer PRIMARY KEY, pos integer NOT NULL);
