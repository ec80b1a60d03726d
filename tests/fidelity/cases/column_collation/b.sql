CREATE TABLE people (id integer PRIMARY KEY, name text COLLATE "C", code varchar(10), nick text COLLATE "POSIX");
