-- shop's carts point at catalog.products; state B drops both the FK and the table
CREATE SCHEMA catalog;
CREATE TABLE catalog.products (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE catalog.brands (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA shop;
CREATE TABLE shop.carts (
    id integer PRIMARY KEY,
    product_id integer REFERENCES catalog.products (id)
);
CREATE INDEX ON shop.carts (product_id);
