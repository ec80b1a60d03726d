CREATE TABLE products (
    id serial PRIMARY KEY,
    name text NOT NULL
);
