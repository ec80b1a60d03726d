CREATE DOMAIN old_sku AS varchar(8) CHECK (VALUE ~ '^[A-Z]+$');
CREATE TABLE item (sku old_sku PRIMARY KEY, title text);
INSERT INTO item VALUES ('ABC', 'thing');
