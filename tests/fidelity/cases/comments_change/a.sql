CREATE TABLE owners (id integer PRIMARY KEY, email text NOT NULL,
    CONSTRAINT owners_email_key UNIQUE (email));
CREATE TABLE pets (
    id integer PRIMARY KEY,
    owner_id integer NOT NULL CONSTRAINT pets_owner_fk REFERENCES owners (id),
    name text NOT NULL CONSTRAINT pets_name_check CHECK (length(name) > 0)
);
CREATE INDEX pets_name_idx ON pets (name);
COMMENT ON CONSTRAINT owners_email_key ON owners IS 'one account per address';
COMMENT ON INDEX pets_name_idx IS 'old comment';
