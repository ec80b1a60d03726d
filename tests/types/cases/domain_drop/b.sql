CREATE TABLE stock (
    item text PRIMARY KEY,
    quantity integer NOT NULL
);
