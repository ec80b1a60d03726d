DO $$ BEGIN CREATE ROLE app_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE notes (id serial PRIMARY KEY, owner text NOT NULL DEFAULT current_user, body text NOT NULL);
CREATE TABLE public_notes (id serial PRIMARY KEY, body text NOT NULL);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_owner ON notes USING (owner = current_user) WITH CHECK (owner = current_user);
CREATE POLICY notes_read ON notes FOR SELECT TO app_reader USING (true);
ALTER TABLE public_notes ENABLE ROW LEVEL SECURITY;
