-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   change type of products.name from VARCHAR(50) to TEXT
--   drop trigger products_touch on products (re-created: it depends on table "products", which changes)
--   drop view cheap_product (re-created: it depends on view "product_names", which changes)
--   drop view product_names (re-created: it depends on table "products", which changes)
--   drop function touch (changed)
--   re-create function touch
--   re-create view product_names
--   re-create view cheap_product
--   re-create trigger products_touch on products

-- objects/drop_up.sql
DROP TRIGGER products_touch ON products;
DROP VIEW cheap_product;
DROP VIEW product_names;
DROP FUNCTION touch;

-- tables/products/up.sql
ALTER TABLE products ALTER COLUMN name TYPE TEXT USING name::TEXT;

-- objects/up.sql
CREATE FUNCTION touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.price := abs(NEW.price); RETURN NEW; END $$;
CREATE VIEW product_names AS
SELECT id, upper(name) AS label, price FROM products;
CREATE VIEW cheap_product AS
SELECT label FROM product_names WHERE price < 10;
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION touch();

-- objects/down.sql
DROP TRIGGER products_touch ON products;
DROP VIEW cheap_product;
DROP VIEW product_names;
DROP FUNCTION touch;

-- tables/products/down.sql
ALTER TABLE products ALTER COLUMN name TYPE VARCHAR(50) USING name::VARCHAR(50);

-- objects/drop_down.sql
CREATE FUNCTION touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RETURN NEW; END $$;
CREATE VIEW product_names AS
SELECT id, upper(name) AS label, price FROM products;
CREATE VIEW cheap_product AS
SELECT label FROM product_names WHERE price < 10;
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION touch();
