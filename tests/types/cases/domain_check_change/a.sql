CREATE DOMAIN us_postal_code AS varchar(10)
    CONSTRAINT us_postal_code_check CHECK (VALUE ~ '^\d{5}$');
CREATE TABLE address (
    id bigint PRIMARY KEY,
    street text NOT NULL,
    zip us_postal_code NOT NULL
);
INSERT INTO address VALUES (1, 'Main St 1', '12345');
