CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (
    id bigserial PRIMARY KEY,
    total numeric(12,2) NOT NULL,
    user_id bigint REFERENCES public.users (id) ON DELETE SET NULL
);
