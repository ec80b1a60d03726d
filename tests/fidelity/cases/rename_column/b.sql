CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL);
