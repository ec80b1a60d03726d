CREATE TABLE things (id serial PRIMARY KEY);
CREATE SCHEMA billing;
CREATE TABLE billing.charges (id serial PRIMARY KEY, amount numeric(12,2) NOT NULL);
