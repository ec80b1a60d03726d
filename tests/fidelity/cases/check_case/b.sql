CREATE TABLE prices (
    id serial PRIMARY KEY,
    amount numeric(10,2) NOT NULL,
    kind text NOT NULL,
    CONSTRAINT prices_amount_check CHECK (CASE WHEN kind = 'refund' THEN amount < 0 ELSE amount >= 0 END)
);
CREATE INDEX prices_positive ON prices ((amount > 0));
