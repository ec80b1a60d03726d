CREATE TYPE money_amount AS (amount numeric(12,2), currency char(3), note text);
CREATE TYPE unused_pair AS (a integer, b integer);
CREATE TABLE payment (id bigint PRIMARY KEY, total money_amount NOT NULL);
INSERT INTO payment VALUES (1, ROW(10.5, 'EUR', 'x'));
