CREATE TABLE orgs (id bigint PRIMARY KEY);
CREATE TABLE members (id integer PRIMARY KEY, org_id bigint NOT NULL REFERENCES orgs (id));
CREATE INDEX members_org_id_idx ON members (org_id);
