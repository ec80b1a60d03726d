CREATE TABLE accounts (id serial PRIMARY KEY, mail text NOT NULL);
