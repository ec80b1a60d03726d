CREATE DOMAIN us_postal_code AS varchar(10)
    CONSTRAINT us_postal_code_check CHECK (VALUE ~ '^\d{5}$' OR VALUE ~ '^\d{5}-\d{4}$');
CREATE TABLE address (
    id bigint PRIMARY KEY,
    street text NOT NULL,
    zip us_postal_code NOT NULL
);
