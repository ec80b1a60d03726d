CREATE DOMAIN price AS numeric(10,2);
CREATE TABLE product (
    sku text PRIMARY KEY,
    list_price price NOT NULL
);
