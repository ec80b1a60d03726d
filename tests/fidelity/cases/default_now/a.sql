CREATE TABLE events (id serial PRIMARY KEY, kind text NOT NULL);
