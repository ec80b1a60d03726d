CREATE DOMAIN email_address AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE customer (
    id integer PRIMARY KEY,
    email text NOT NULL,
    backup_email email_address
);
