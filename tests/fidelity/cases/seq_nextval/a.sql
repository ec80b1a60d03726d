CREATE SEQUENCE order_numbers START 1000;
CREATE TABLE orders (id serial PRIMARY KEY, number integer NOT NULL DEFAULT nextval('order_numbers'));
