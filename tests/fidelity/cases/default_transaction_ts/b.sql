CREATE TABLE audits (id bigserial PRIMARY KEY, what text NOT NULL,
    at timestamptz NOT NULL DEFAULT transaction_timestamp(),
    day date DEFAULT CURRENT_DATE);
