-- app now uses both others: a company FK (core), a currency column (ref), a country FK (ref)
CREATE SCHEMA ref;
CREATE TYPE ref.currency AS ENUM ('EUR', 'USD');
CREATE TABLE ref.countries (code char(2) PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA core;
CREATE TABLE core.companies (
    id serial PRIMARY KEY,
    country char(2) NOT NULL REFERENCES ref.countries (code)
);
CREATE SCHEMA app;
CREATE TABLE app.orders (
    id serial PRIMARY KEY,
    placed_at timestamptz NOT NULL DEFAULT now(),
    company_id integer NOT NULL,
    currency ref.currency NOT NULL DEFAULT 'EUR',
    ship_to char(2),
    CONSTRAINT orders_company_fk FOREIGN KEY (company_id) REFERENCES core.companies (id) ON DELETE CASCADE,
    CONSTRAINT orders_ship_to_fk FOREIGN KEY (ship_to) REFERENCES ref.countries (code)
);
