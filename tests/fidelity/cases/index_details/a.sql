CREATE TABLE docs (id serial PRIMARY KEY, title text NOT NULL, tags text[], owner integer);
