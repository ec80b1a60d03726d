CREATE TABLE categories (id serial PRIMARY KEY, label text NOT NULL);
CREATE TABLE products (
    id serial PRIMARY KEY,
    name text NOT NULL,
    category_id integer REFERENCES categories (id)
);
