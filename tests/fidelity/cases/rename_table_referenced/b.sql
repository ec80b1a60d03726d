CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE contracts (
    id serial PRIMARY KEY,
    client_id integer NOT NULL,
    CONSTRAINT contracts_client_id_fkey FOREIGN KEY (client_id) REFERENCES customers (id) ON DELETE CASCADE
);
CREATE INDEX contracts_client_id_idx ON contracts (client_id);
