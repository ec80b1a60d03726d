CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, archived boolean NOT NULL DEFAULT false);
CREATE VIEW live_items AS SELECT id, name FROM items WHERE NOT archived;
CREATE FUNCTION archive_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE items SET archived = true WHERE id = OLD.id;
  RETURN OLD;
END
$$;
CREATE TRIGGER live_items_delete INSTEAD OF DELETE ON live_items FOR EACH ROW EXECUTE FUNCTION archive_item();
