CREATE DOMAIN sku AS varchar(12) CHECK (VALUE ~ '^[A-Z0-9-]+$');
CREATE TABLE item (sku sku PRIMARY KEY, title text);
