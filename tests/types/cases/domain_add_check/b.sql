CREATE DOMAIN price AS numeric(10,2) NOT NULL DEFAULT 0
    CONSTRAINT price_nonnegative CHECK (VALUE >= 0)
    CONSTRAINT price_sane CHECK (VALUE < 1000000);
CREATE TABLE product (
    sku text PRIMARY KEY,
    list_price price NOT NULL
);
COMMENT ON DOMAIN price IS 'money amounts in the shop currency';
