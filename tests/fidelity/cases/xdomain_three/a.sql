-- three schemas in a chain: ref <- core <- app; state A has only the first two linked
CREATE SCHEMA ref;
CREATE TYPE ref.currency AS ENUM ('EUR', 'USD');
CREATE TABLE ref.countries (code char(2) PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA core;
CREATE TABLE core.companies (
    id serial PRIMARY KEY,
    country char(2) NOT NULL REFERENCES ref.countries (code)
);
CREATE SCHEMA app;
CREATE TABLE app.orders (id serial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now());
