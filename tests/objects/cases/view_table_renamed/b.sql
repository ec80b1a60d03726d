CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, vip boolean NOT NULL DEFAULT false);
CREATE VIEW vip_clients AS SELECT id, name FROM customers WHERE vip;
CREATE FUNCTION client_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.name = '' THEN RAISE EXCEPTION 'empty name'; END IF; RETURN NEW; END $$;
CREATE TRIGGER clients_guard BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION client_guard();
