CREATE TABLE employees (
    id serial PRIMARY KEY,
    name text NOT NULL
);
