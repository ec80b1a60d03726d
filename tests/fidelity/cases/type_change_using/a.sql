CREATE TABLE logs (id serial PRIMARY KEY, at bigint NOT NULL);
