CREATE TABLE events (id serial PRIMARY KEY, kind text NOT NULL, payload jsonb);
CREATE FUNCTION no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no truncate'; END $$;
CREATE FUNCTION notify_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('events', NEW.kind); RETURN NEW; END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW WHEN (NEW.kind <> 'noise') EXECUTE FUNCTION notify_event();
