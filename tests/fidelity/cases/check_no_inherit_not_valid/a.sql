CREATE TABLE readings (id integer PRIMARY KEY, value numeric);
INSERT INTO readings VALUES (1, -5);
