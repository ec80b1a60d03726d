CREATE TABLE employees (
    id serial PRIMARY KEY,
    name text NOT NULL,
    manager_id integer REFERENCES employees (id) ON DELETE SET NULL
);
