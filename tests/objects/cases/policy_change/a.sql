DO $$ BEGIN CREATE ROLE app_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE app_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE tenants_data (id serial PRIMARY KEY, tenant_id integer NOT NULL, secret boolean NOT NULL DEFAULT false);
ALTER TABLE tenants_data ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON tenants_data
    USING (tenant_id = current_setting('app.tenant')::integer);
CREATE POLICY writers ON tenants_data FOR INSERT TO app_writer WITH CHECK (NOT secret);
