CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE stock (
    item text PRIMARY KEY,
    quantity positive_int NOT NULL
);
