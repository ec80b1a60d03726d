CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    login text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    score integer NOT NULL DEFAULT 0
);
CREATE VIEW active_accounts AS SELECT id, login, score FROM accounts WHERE active;
CREATE VIEW top_accounts AS SELECT login FROM active_accounts WHERE score > 10 ORDER BY score DESC;
