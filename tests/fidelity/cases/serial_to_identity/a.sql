CREATE TABLE accounts (id serial PRIMARY KEY, email text NOT NULL);
INSERT INTO accounts (email) VALUES ('a@x'), ('b@x');
