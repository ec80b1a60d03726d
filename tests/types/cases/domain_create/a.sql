CREATE TABLE customer (
    id integer PRIMARY KEY,
    email text NOT NULL
);
