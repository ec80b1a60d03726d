CREATE TABLE orgs_data (id serial PRIMARY KEY, org_id integer NOT NULL, payload text);
ALTER TABLE orgs_data ENABLE ROW LEVEL SECURITY;
CREATE POLICY org_rows ON orgs_data FOR ALL USING (org_id = current_setting('app.org')::integer);
