CREATE EXTENSION pgcrypto;
CREATE TABLE api_keys (id serial PRIMARY KEY, label text NOT NULL, secret text NOT NULL DEFAULT encode(gen_random_bytes(16), 'hex'));
