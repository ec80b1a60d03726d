CREATE TABLE people (id integer PRIMARY KEY, name text, code varchar(10) COLLATE "C");
