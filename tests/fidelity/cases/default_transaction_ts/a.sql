CREATE TABLE audits (id bigserial PRIMARY KEY, what text NOT NULL);
