CREATE TABLE words (id serial PRIMARY KEY, w text NOT NULL);
