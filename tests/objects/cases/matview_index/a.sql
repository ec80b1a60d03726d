CREATE TABLE sales (
    id bigserial PRIMARY KEY,
    region text NOT NULL,
    sold_on date NOT NULL,
    amount numeric(10,2) NOT NULL
);
