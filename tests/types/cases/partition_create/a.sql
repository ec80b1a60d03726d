CREATE TABLE account (id serial PRIMARY KEY, name text NOT NULL);
