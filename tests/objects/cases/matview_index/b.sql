CREATE TABLE sales (
    id bigserial PRIMARY KEY,
    region text NOT NULL,
    sold_on date NOT NULL,
    amount numeric(10,2) NOT NULL
);
CREATE MATERIALIZED VIEW daily_sales AS
    SELECT region, sold_on, sum(amount) AS total, count(*) AS n
      FROM sales GROUP BY region, sold_on;
CREATE UNIQUE INDEX daily_sales_key ON daily_sales (region, sold_on);
CREATE INDEX daily_sales_total ON daily_sales (total DESC);
