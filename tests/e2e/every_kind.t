#!/usr/bin/env bash
# every_kind.t - one database holding every kind of object Strav holds at once, in hand-written
# DDL: tables with serial keys and foreign keys, an enum, SQL domains (over a base type and over
# the enum) used by columns and by a composite type, range, list and hash partitioning with a
# sub-partitioned partition and default partitions, exclusion constraints, an extension,
# functions and a procedure, views on views, a materialized view with an index, triggers on a
# table and on a view, row level security with FORCE and policies (the setups of
# tests/types/all_kinds.t and tests/objects/all_kinds.t in one schema). pull writes it without a
# warning, the files compile, `stravc diff --database --strict` is clean, and the migration
# generate writes from the pull rebuilds the same schema in an empty database (dumps equal).
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project everykind
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=everykind"
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
DO $$ BEGIN CREATE ROLE kinds_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE EXTENSION pgcrypto;
CREATE TABLE members (
    id serial PRIMARY KEY,
    team integer NOT NULL,
    email text NOT NULL,
    token text NOT NULL DEFAULT encode(gen_random_bytes(8), 'hex'),
    updated_at timestamptz
);
CREATE FUNCTION current_team() RETURNS integer LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.team', true), '')::integer $$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE PROCEDURE reset_team(t integer) LANGUAGE sql AS $$ UPDATE members SET team = 0 WHERE team = t $$;
CREATE VIEW team_members AS SELECT id, email FROM members WHERE team = current_team();
CREATE VIEW member_emails AS SELECT lower(email) AS email FROM team_members;
CREATE MATERIALIZED VIEW team_sizes AS SELECT team, count(*) AS n FROM members GROUP BY team;
CREATE UNIQUE INDEX team_sizes_team ON team_sizes (team);
CREATE TRIGGER members_touch BEFORE INSERT OR UPDATE ON members
    FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION touch();
CREATE FUNCTION no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER team_members_delete INSTEAD OF DELETE ON team_members
    FOR EACH ROW EXECUTE FUNCTION no_delete();
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE members FORCE ROW LEVEL SECURITY;
CREATE POLICY members_team ON members USING (team = current_team()) WITH CHECK (team = current_team());
CREATE POLICY members_reader ON members AS RESTRICTIVE FOR SELECT TO kinds_reader USING (email <> '');
SQL
psql -X -q -v ON_ERROR_STOP=1 -f all.sql >/dev/null
ok '[ $? = 0 ]' "the database with every kind loads"
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" != *warning* ]]' "pull writes every kind without a warning"
[[ "$OUT" != *warning* ]] || echo "$OUT" | grep warning | sed 's/^/# /'
run "$STRAVC" check
ok '[ "$RC" = 0 ]' "the pulled schemas compile"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 0 ]' "diff --database --strict is clean"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
run "$STRAVC" generate -m adopt
ok '[ "$RC" = 0 ]' "generate writes the adoption migration"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
q "CREATE DATABASE everykind_fresh" >/dev/null
run "$STRAV" migrate --database "host=$PGHOST port=$PGPORT user=postgres dbname=everykind_fresh"
ok '[ "$RC" = 0 ]' "the migration applies to an empty database"
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/# /'
norm() { pg_dump --schema-only --no-owner --exclude-table='*._strav_*' -d "$1" |
         grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog' -e '^$' -e '^\\'; }
norm everykind >a.dump
norm everykind_fresh >b.dump
ok 'diff -u a.dump b.dump >d.out' "the rebuilt schema dumps the same as the hand-written one"
[ -s d.out ] && head -40 d.out | sed 's/^/# /'
done_testing
