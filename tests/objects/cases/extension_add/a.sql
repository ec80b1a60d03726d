CREATE TABLE api_keys (id serial PRIMARY KEY, label text NOT NULL);
