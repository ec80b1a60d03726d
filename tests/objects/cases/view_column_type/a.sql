CREATE TABLE products (
    id integer PRIMARY KEY,
    name varchar(50) NOT NULL,
    price integer NOT NULL
);
CREATE VIEW product_names AS SELECT id, upper(name) AS label, price FROM products;
