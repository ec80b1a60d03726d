CREATE TABLE docs (id serial PRIMARY KEY, team integer NOT NULL);
CREATE FUNCTION current_team() RETURNS integer LANGUAGE sql STABLE AS $$ SELECT coalesce(nullif(current_setting('app.team', true), ''), '0')::integer $$;
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_docs ON docs USING (team = current_team());
