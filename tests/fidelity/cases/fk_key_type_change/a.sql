CREATE TABLE orgs (id integer PRIMARY KEY);
CREATE TABLE members (id integer PRIMARY KEY, org_id integer NOT NULL REFERENCES orgs (id));
CREATE INDEX members_org_id_idx ON members (org_id);
