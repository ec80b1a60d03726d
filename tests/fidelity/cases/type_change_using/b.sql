CREATE TABLE logs (id serial PRIMARY KEY, at timestamptz NOT NULL);
