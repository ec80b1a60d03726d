CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer text NOT NULL,
    total numeric(10,2) NOT NULL DEFAULT 0,
    placed_at timestamptz NOT NULL DEFAULT now()
);
