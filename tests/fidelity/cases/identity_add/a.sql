CREATE TABLE events (id integer, name text NOT NULL);
INSERT INTO events VALUES (1, 'a'), (2, 'b');
