CREATE TABLE customers (
    id serial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    name text,
    phone varchar(32)
);
