CREATE TABLE prices (id serial PRIMARY KEY, amount numeric(10,2) NOT NULL, kind text NOT NULL);
