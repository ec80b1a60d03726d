CREATE SCHEMA catalog;
CREATE TABLE catalog.brands (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA shop;
CREATE TABLE shop.carts (id integer PRIMARY KEY);
