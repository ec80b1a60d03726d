CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, archived boolean NOT NULL DEFAULT false);
CREATE VIEW live_items AS SELECT id, name FROM items WHERE NOT archived;
