CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE ledger (id integer PRIMARY KEY, account_id integer NOT NULL);
ALTER TABLE ledger ADD CONSTRAINT ledger_account_fk FOREIGN KEY (account_id)
    REFERENCES accounts (id) NOT VALID;
