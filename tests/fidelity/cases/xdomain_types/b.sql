-- sales now has columns of finance's domain and composite type
CREATE SCHEMA finance;
CREATE DOMAIN finance.amount AS numeric(12,2) NOT NULL CONSTRAINT amount_nonnegative CHECK (VALUE >= 0);
CREATE TYPE finance.price AS (value numeric(12,2), currency char(3));
CREATE SCHEMA sales;
CREATE TABLE sales.quotes (
    id integer PRIMARY KEY,
    note text,
    discount finance.amount,
    list_price finance.price
);
