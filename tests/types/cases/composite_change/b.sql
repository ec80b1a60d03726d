CREATE TYPE money_amount AS (amount numeric(12,2), currency char(3), rate double precision);
CREATE TYPE unused_pair AS (a bigint, b integer);
CREATE TABLE payment (id bigint PRIMARY KEY, total money_amount NOT NULL);
