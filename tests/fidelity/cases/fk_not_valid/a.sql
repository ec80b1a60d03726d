CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE ledger (id integer PRIMARY KEY, account_id integer NOT NULL);
