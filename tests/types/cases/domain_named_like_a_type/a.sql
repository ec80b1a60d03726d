CREATE TABLE label (id integer PRIMARY KEY);
