#!/usr/bin/env bash
# all_kinds.t - one database holding every kind of the types branch at once (domains over a base
# type and over an enum, with checks, defaults and NOT NULL; range, list and hash partitioning,
# default partitions, a sub-partitioned partition, indexes, keys and foreign keys on a
# partitioned parent; exclusion constraints over columns and expressions, partial, deferrable;
# a composite type with a domain attribute, used by a column;
# a column whose type is a domain inside a partitioned table):
# pull -> compile -> `diff --database --strict` is clean, pull warns about nothing, and the
# migration generate writes from the pull rebuilds the same schema in an empty database
# (dumps equal, written by hand DDL, never by Strav).
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project allkinds
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=allkinds"
cat >"$PWD/all.sql" <<'SQL'
CREATE TYPE status AS ENUM ('new', 'paid', 'void');
CREATE DOMAIN positive_amount AS numeric(12,2) NOT NULL DEFAULT 0
    CONSTRAINT positive_amount_check CHECK (VALUE >= 0);
CREATE DOMAIN open_status AS status CHECK (VALUE <> 'void');
CREATE DOMAIN "Email Address" AS text CHECK (VALUE LIKE '%@%') CHECK (length(VALUE) < 255);
COMMENT ON DOMAIN positive_amount IS 'never negative';
CREATE TABLE customer (id serial PRIMARY KEY, email "Email Address", tier smallint);
CREATE TABLE invoice (
    id bigint NOT NULL,
    customer_id integer NOT NULL REFERENCES customer (id),
    issued_on date NOT NULL,
    amount positive_amount,
    state open_status DEFAULT 'new',
    PRIMARY KEY (id, issued_on),
    CHECK (id > 0)
) PARTITION BY RANGE (issued_on);
CREATE INDEX invoice_customer_idx ON invoice (customer_id);
CREATE TABLE invoice_2024 PARTITION OF invoice FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE invoice_2025 PARTITION OF invoice FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
    PARTITION BY HASH (id);
CREATE TABLE invoice_2025_a PARTITION OF invoice_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE invoice_2025_b PARTITION OF invoice_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE invoice_rest PARTITION OF invoice DEFAULT;
CREATE TABLE visit (country char(2) NOT NULL, at timestamptz NOT NULL, email "Email Address")
    PARTITION BY LIST (country);
CREATE TABLE visit_dach PARTITION OF visit FOR VALUES IN ('DE', 'AT', 'CH');
CREATE TABLE visit_none PARTITION OF visit FOR VALUES IN (NULL);
CREATE TABLE visit_rest PARTITION OF visit DEFAULT;
COMMENT ON TABLE visit_dach IS 'German-speaking';
CREATE TYPE contact AS (name text, email "Email Address", phone varchar(20));
COMMENT ON TYPE contact IS 'who to call';
ALTER TABLE customer ADD COLUMN emergency contact;
CREATE TABLE booking (
    id serial PRIMARY KEY,
    room text NOT NULL,
    during tsrange NOT NULL,
    spot circle,
    CONSTRAINT booking_no_overlap EXCLUDE USING gist (during WITH &&) WHERE (room <> 'hall'),
    EXCLUDE USING gist (spot WITH &&, tsrange(lower(during), upper(during)) WITH &&)
        DEFERRABLE
);
INSERT INTO customer (email) VALUES ('a@example.com');
INSERT INTO invoice VALUES (1, 1, '2024-05-01', 10), (2, 1, '2025-05-01', 0), (3, 1, '2030-01-01', 1);
SQL
psql -X -q -v ON_ERROR_STOP=1 -f all.sql >/dev/null
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" != *warning* ]]' "pull writes every kind without a warning"
ok '[ -f database/schemas/public/positive_amount.domain.strav ] && [ -f database/schemas/public/contact.type.strav ] && grep -q "@@partition_of(invoice, default: true)" database/schemas/public/invoice_rest.strav && grep -q "@@partition_by(hash, id)" database/schemas/public/invoice_2025.strav' "domains get their own files; partitions their bounds"
run "$STRAVC" check
ok '[ "$RC" = 0 ]' "the pulled schemas compile"
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 0 ]' "diff --database --strict is clean"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
run "$STRAVC" generate -m adopt
ok '[ "$RC" = 0 ]' "generate writes the adoption migration"
q "CREATE DATABASE allkinds_fresh" >/dev/null
run "$STRAV" migrate --database "host=$PGHOST port=$PGPORT user=postgres dbname=allkinds_fresh"
ok '[ "$RC" = 0 ]' "the migration applies to an empty database"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
norm() { pg_dump --schema-only --no-owner --exclude-table='*._strav_*' -d "$1" |
         grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^$' -e '^\\'; }
norm allkinds >a.dump
norm allkinds_fresh >b.dump
ok 'diff -u a.dump b.dump >d.out' "the rebuilt schema dumps the same as the hand-written one"
[ -s d.out ] && head -40 d.out | sed 's/^/# /'
done_testing
