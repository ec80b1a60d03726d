#!/usr/bin/env bash
# rules.t - every lint rule on hand-written migration directories (seed-format manifest with
# only executionOrder, SQL written the way people write it: any case, comments, quoted and
# schema-qualified names), each with a case that must raise it and one that must not.
cd "$(dirname "$0")/../.." || exit 1
. tests/lint/lib.sh

# ---- destructive / backward-incompatible
mig drop_table <<'SQL'
-- remove the old audit table; a ';' in a comment does not split
DROP TABLE IF EXISTS public."Audit Log";
SQL
has "$LAST" SL101 "SL101: DROP TABLE of an existing table"
has "$LAST" SL501 "SL501: a dropped table breaks the previous application version"
mig drop_new <<'SQL'
create table scratch (id int);
drop table scratch;
SQL
hasnt "$LAST" SL101 "SL101: not for a table created earlier in the migration"

mig drop_col <<'SQL'
ALTER TABLE ONLY shop.orders DROP COLUMN IF EXISTS "Note" CASCADE;
SQL
has "$LAST" SL102 "SL102: DROP COLUMN"
has "$LAST" SL502 "SL502: a dropped column breaks the previous application version"
mig drop_col_new <<'SQL'
CREATE TABLE t (a int, b int); ALTER TABLE t DROP COLUMN b;
SQL
hasnt "$LAST" SL102 "SL102: not on a new table"

mig enum_rebuild <<'SQL'
alter type mood rename to mood_old;
create type mood as enum ('happy', 'sad');
alter table person alter column m type mood using m::text::mood;
drop type mood_old;
SQL
has "$LAST" SL103 "SL103: an enum type recreated (value removal), old values unknown"
mig enum_add <<'SQL'
ALTER TYPE mood ADD VALUE 'meh';
CREATE TYPE colour AS ENUM ('red');
SQL
hasnt "$LAST" SL103 "SL103: not for ADD VALUE or a brand-new enum"

# ---- data-dependent
mig set_nn <<'SQL'
ALTER TABLE "user" ALTER COLUMN email SET NOT NULL;
SQL
has "$LAST" SL201 "SL201: SET NOT NULL on an existing table"
mig set_nn_proven <<'SQL'
ALTER TABLE "user" ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE "user" VALIDATE CONSTRAINT email_nn;
ALTER TABLE "user" ALTER COLUMN email SET NOT NULL;
SQL
hasnt "$LAST" SL201 "SL201: not after a validated CHECK (email IS NOT NULL)"
hasnt "$LAST" SL204 "SL204: not for a CHECK added NOT VALID"
hasnt "$LAST" SL403 "SL403: not for a CHECK added NOT VALID"

mig uniq <<'SQL'
alter table "user" add constraint uq_email unique (email);
SQL
has "$LAST" SL203 "SL203: ADD UNIQUE on an existing table"
mig uniq_idx <<'SQL'
CREATE UNIQUE INDEX CONCURRENTLY uq_email_idx ON "user" (email);
SQL
has "$LAST" SL203 "SL203: a unique index on an existing table, even concurrently"
hasnt "$LAST" SL401 "SL401: not for CREATE INDEX CONCURRENTLY"
mig uniq_using <<'SQL'
ALTER TABLE "user" ADD CONSTRAINT uq_email UNIQUE USING INDEX uq_email_idx;
SQL
hasnt "$LAST" SL203 "SL203: not for UNIQUE USING INDEX (the index was built before)"
mig uniq_new <<'SQL'
CREATE TABLE "Team" (id bigint, name text);
ALTER TABLE "Team" ADD CONSTRAINT uq_team_name UNIQUE (name), ADD PRIMARY KEY (id);
SQL
hasnt "$LAST" SL203 "SL203: not on a new table"

mig check <<'SQL'
ALTER TABLE orders ADD CONSTRAINT ck_price CHECK (price > 0);
SQL
has "$LAST" SL204 "SL204: ADD CHECK on an existing table"
has "$LAST" SL403 "SL403: ADD CHECK without NOT VALID scans under lock"

mig req_col <<'SQL'
alter table orders add column qty integer not null;
SQL
has "$LAST" SL205 "SL205: ADD COLUMN NOT NULL without a default"
mig req_col_def <<'SQL'
alter table orders add column qty integer not null default 1;
SQL
hasnt "$LAST" SL205 "SL205: not with a default"

# ---- table-rewrite
mig volatile <<'SQL'
ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
SQL
has "$LAST" SL302 "SL302: ADD COLUMN with a volatile default"
mig serial <<'SQL'
ALTER TABLE orders ADD COLUMN seq BIGSERIAL;
SQL
has "$LAST" SL302 "SL302: ADD COLUMN of a serial type (nextval default)"
mig stable <<'SQL'
ALTER TABLE orders ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
                   ADD COLUMN flag boolean DEFAULT false;
SQL
hasnt "$LAST" SL302 "SL302: not for now() or a constant"
hasnt "$LAST" SL205 "SL205: not for NOT NULL DEFAULT now()"

mig unknown_type <<'SQL'
ALTER TABLE orders ALTER COLUMN price TYPE numeric(12,2);
SQL
has "$LAST" SL303 "SL303: a type change whose old type is unknown (no previous snapshot)"

# a previous version with a snapshot (the old types), then hand-written type changes
mkdir -p "$W/typed/schemas/public"
cat >"$W/typed/schemas/public/shop.strav" <<'S'
table orders {
  id     bigint @primary
  qty    integer
  price  decimal(10, 2)
  code   varchar(100)
  note   text
  ip     cidr
  at     timestamp(3)
  mood   enum(happy, sad, meh)
}
S
(cd "$W/typed" && STRAV_NOW_MS=1000 "$STRAVC" generate -m base --schemas schemas --migrations mig >/dev/null)
typed() { mig "typed/mig/public" "$1"; }
typed 2000 <<'SQL'
ALTER TABLE orders ALTER COLUMN qty TYPE bigint;
SQL
has "$LAST" SL301 "SL301: integer -> bigint rewrites"
hasnt "$LAST" SL303 "SL303: not when the previous version's snapshot gives the old type"
hasnt "$LAST" SL202 "SL202: integer -> bigint is not narrowing"
typed 2001 <<'SQL'
ALTER TABLE orders
  ALTER COLUMN price SET DATA TYPE numeric(12,2),
  ALTER COLUMN code TYPE character varying(200),
  ALTER COLUMN note TYPE varchar,
  ALTER COLUMN ip TYPE inet,
  ALTER COLUMN at TYPE timestamp(6) without time zone;
SQL
hasnt "$LAST" SL301 "SL301: not for numeric(10,2)->(12,2), varchar widening, text->varchar, cidr->inet, timestamp(3)->(6)"
hasnt "$LAST" SL202 "SL202: none of those narrow"
typed 2002 <<'SQL'
ALTER TABLE orders ALTER COLUMN code TYPE varchar(20);
SQL
has "$LAST" SL202 "SL202: varchar(100) -> varchar(20) narrows"
typed 2003 <<'SQL'
ALTER TABLE orders ALTER COLUMN price TYPE numeric(10,1);
SQL
has "$LAST" SL202 "SL202: numeric(10,2) -> numeric(10,1) loses the scale"
has "$LAST" SL301 "SL301: a scale change rewrites"
typed 2004 <<'SQL'
ALTER TABLE orders ALTER COLUMN code TYPE text USING lower(code);
SQL
has "$LAST" SL301 "SL301: a USING expression that computes rewrites, even to a compatible type"
typed 2005 <<'SQL'
ALTER TYPE orders_mood RENAME TO orders_mood_old;
CREATE TYPE orders_mood AS ENUM ('sad', 'happy', 'meh');
SQL
hasnt "$LAST" SL103 "SL103: not when the recreated enum keeps every old value"
typed 2006 <<'SQL'
ALTER TYPE orders_mood RENAME TO orders_mood_old;
CREATE TYPE orders_mood AS ENUM ('happy', 'sad');
SQL
has "$LAST" SL103 "SL103: the recreated enum lost a value of the previous snapshot"
is "$("$STRAVC" lint --migration "$LAST" --json | jq -r '.findings[0].message')" \
   "removing enum value 'meh': rows holding it make the conversion fail, and the value is gone" \
   "SL103 names the removed value"

# ---- blocking-lock
mig idx <<'SQL'
/* a block comment /* nested */ ; still a comment */
create index idx_orders_user on public.orders using btree (user_id) where deleted_at is null;
SQL
has "$LAST" SL401 "SL401: CREATE INDEX without CONCURRENTLY on an existing table"
mig idx_new <<'SQL'
CREATE TABLE IF NOT EXISTS shop."Line Item" (id int, sku text);
CREATE INDEX ON shop."Line Item" (sku);
SQL
hasnt "$LAST" SL401 "SL401: not on a table created in the migration"

mig fk <<'SQL'
ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES "user" (id);
SQL
has "$LAST" SL402 "SL402: FOREIGN KEY with a validating scan"
mig fk_nv <<'SQL'
ALTER TABLE orders ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES "user" (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT fk_user;
SQL
hasnt "$LAST" SL402 "SL402: not for NOT VALID then VALIDATE"
hasnt "$LAST" SL405 "SL405: neither statement takes ACCESS EXCLUSIVE"

mig drop_idx <<'SQL'
DROP INDEX public.idx_orders_user;
SQL
has "$LAST" SL404 "SL404: DROP INDEX without CONCURRENTLY"
mig drop_idx_c <<'SQL'
DROP INDEX CONCURRENTLY IF EXISTS idx_orders_user;
SQL
hasnt "$LAST" SL404 "SL404: not for DROP INDEX CONCURRENTLY"

mig no_timeout <<'SQL'
ALTER TABLE orders ADD COLUMN x int;
SQL
has "$LAST" SL405 "SL405: ACCESS EXCLUSIVE without lock_timeout"
mig timeout <<'SQL'
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN x int;
SQL
hasnt "$LAST" SL405 "SL405: not after SET lock_timeout"
mig timeout_off <<'SQL'
set local lock_timeout to 5000;
reset lock_timeout;
alter table orders add column x int;
SQL
has "$LAST" SL405 "SL405: again after RESET lock_timeout"

# ---- backward-incompatible
mig ren <<'SQL'
ALTER TABLE "user" RENAME TO account;
SQL
has "$LAST" SL503 "SL503: RENAME of a table"
mig ren_col <<'SQL'
ALTER TABLE account RENAME COLUMN "Mail" TO email;
SQL
has "$LAST" SL504 "SL504: RENAME COLUMN"
mig ren_new <<'SQL'
CREATE TABLE draft (a int);
ALTER TABLE draft RENAME TO final;
ALTER TABLE final RENAME COLUMN a TO b;
ALTER TABLE orders RENAME CONSTRAINT ck_a TO ck_b;
CREATE INDEX ON final (b);
SQL
is "$(codes "$LAST")" "SL405" "renames of a new table raise nothing and it stays new; RENAME CONSTRAINT only locks"

# ---- hostile text: strings and dollar quotes holding DDL are not statements
mig strings <<'SQL'
INSERT INTO notes (body) VALUES ('DROP TABLE x; ALTER TABLE y DROP COLUMN z;');
DO $body$ BEGIN EXECUTE 'drop table t'; END $body$;
COMMENT ON TABLE orders IS E'it\'s ; DROP TABLE orders';
SQL
is "$(codes "$LAST")" "" "DDL inside strings, dollar quotes and E'' strings is not recognised"

# ---- file:line, exit status, suppression comments
mig lines <<'SQL'
-- header

CREATE TABLE n (id int);
  -- strav-lint: ignore SL401 built during the maintenance window
CREATE INDEX i1 ON orders (a);
-- strav-lint: ignore SL101,SL501 archived to S3 first
DROP TABLE legacy;
-- strav-lint: ignore SL102
ALTER TABLE orders DROP COLUMN b;
SQL
out=$("$STRAVC" lint --migration "$LAST" --json 2>"$W/err"); rc=$?
is "$(jq -r '.findings[] | "\(.line) \(.code) \(.suppressed) \(.reason)"' <<<"$out")" \
"5 SL401 true built during the maintenance window
7 SL101 true archived to S3 first
7 SL501 true archived to S3 first
7 SL405 false null
9 SL102 false null
9 SL502 false null
9 SL405 false null" "lines of the statements; strav-lint comments suppress with their reason"
is "$rc" 1 "exit 1: the SL102 without a reason is not suppressed"
ok "a strav-lint comment without a reason is reported" grep -q "needs a reason" "$W/err"
is "$(jq -r '.findings[0].file' <<<"$out")" "$LAST/up.sql" "the file is the SQL file"
mig warn_only <<'SQL'
ALTER TABLE "user" ALTER COLUMN email SET NOT NULL;
SQL
"$STRAVC" lint --migration "$LAST" >/dev/null
is "$?" 0 "exit 0 when only warnings"

# ---- manifests and usage
mkdir -p "$W/bad"
echo '{"executionOrder": {"up": ["../../etc/passwd"]}}' >"$W/bad/manifest.json"
"$STRAVC" lint --migration "$W/bad" >/dev/null 2>&1
is "$?" 1 "a manifest naming a file outside the directory is refused"
"$STRAVC" lint --migration "$W/nowhere" >/dev/null 2>&1
is "$?" 1 "a missing manifest is an error"
"$STRAVC" lint --bogus >/dev/null 2>&1
is "$?" 2 "an unknown option is a usage error"

done_testing
