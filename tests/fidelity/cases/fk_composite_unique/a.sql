CREATE TABLE products (
    id serial PRIMARY KEY,
    vendor text NOT NULL,
    sku text NOT NULL,
    CONSTRAINT products_vendor_sku_key UNIQUE (vendor, sku)
);
CREATE TABLE stock (id serial PRIMARY KEY, vendor text NOT NULL, sku text NOT NULL, qty integer NOT NULL DEFAULT 0);
