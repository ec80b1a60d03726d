CREATE TABLE account (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE audit_log (
    account_id integer NOT NULL REFERENCES account (id),
    happened_at timestamptz NOT NULL DEFAULT now(),
    action text NOT NULL,
    CHECK (action <> '')
) PARTITION BY RANGE (happened_at);
CREATE TABLE audit_log_2025 PARTITION OF audit_log
    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE audit_log_old PARTITION OF audit_log DEFAULT;
CREATE INDEX audit_log_account_idx ON audit_log (account_id, happened_at);
