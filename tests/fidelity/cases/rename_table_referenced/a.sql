CREATE TABLE clients (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE contracts (
    id serial PRIMARY KEY,
    client_id integer NOT NULL REFERENCES clients (id) ON DELETE CASCADE
);
CREATE INDEX contracts_client_id_idx ON contracts (client_id);
