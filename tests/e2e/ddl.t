#!/usr/bin/env bash
# ddl.t - strav-original §6.1 (schema -> DDL on an empty database) through strav
# generate:migration + migrate, checked in the server's catalog rather than in the SQL text.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
cols() { q "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_schema='public' and table_name='$1'"; }
con() { q "select pg_get_constraintdef(oid) from pg_constraint where conname='$1'"; }
idx() { q "select indexdef from pg_indexes where indexname='$1'"; }
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=ddl"

project ddl
# #22 first: an unknown reference target is an error naming schema, field and target; nothing written
schema public post <<'S'
entity post {
  title  string(200)
  author ref(ghost)
}
S
gen "Broken"
ok '[ "$RC" = 1 ] && [[ "$OUT" == *post* ]] && [[ "$OUT" == *author* ]] && [[ "$OUT" == *ghost* ]]' "#22 ref(ghost): error names post, author and ghost; exit 1"
ok '[ "$(nversions)" = 0 ]' "#22 nothing written"
run "$STRAVC" check
ok '[ "$RC" = 1 ]' "#22 stravc check fails too"

schema public widget <<'S'
entity widget {}
S
schema public user <<'S'
entity user {
  id    uuid              @primary
  email string            @unique
  name  string(255)
  role  enum(user, admin) = 'user'
  slug  string            @index
  quote text              = 'it''s'
  mood  enum(ok, 'it''s') = 'it''s'
}
S
schema public post <<'S'
entity post {
  title    string(200)
  author   ref(user)
  editor   ref(user)?
  price    decimal(10, 2)
  ratio    numeric?
  category ref(category)?
  tag      ref(tag)?
  code     ref(code)?
}
S
schema public comment <<'S'
contribution comment of post {
  body text
}
S
schema public category <<'S'
reference category {
  name   string(50)
  parent ref(category)?
}
S
schema public tag <<'S'
reference tag {
  id bigserial @primary
}
S
schema public code <<'S'
reference code {
  id ulid @primary
}
S
schema public address <<'S'
component address of user {
  street string
}
S
schema public profile <<'S'
entity profile of user {
  bio text?
}
S
schema public click <<'S'
event click {
  url text
}
S
schema public team <<'S'
entity team {
  name string
}
association team_member between team, user {
  role enum(admin, member)?
}
S
schema public cycle <<'S'
entity a {
  b ref(b)?
}
entity b {
  a ref(a)?
}
S
schema public log <<'S'
entity log {
  createdAt timestamp
}
S
gm "Everything"
ok '[ "$RC" = 0 ]' "generate + migrate of the whole schema set (incl. an a<->b reference cycle, #21)"
v=$(latest)
# 1
is "$(cols widget)" "id,created_at,updated_at,deleted_at" "#1 widget columns"
is "$(col widget id)" "integer|NO|nextval('widget_id_seq'::regclass)" "#1 id serial"
is "$(col widget created_at)|$(col widget deleted_at)" "timestamp with time zone|NO|CURRENT_TIMESTAMP|timestamp with time zone|YES|" "#1 created_at / deleted_at"
is "$(con pk_widget)" "PRIMARY KEY (id)" "#1 pk_widget"
ok '[ ! -e database/migrations/public/$v/enums/widget ] && jq -e ".executionOrder.up | index(\"tables/widget/up.sql\")" database/migrations/public/$v/manifest.json' "#1 manifest lists tables/widget/up.sql"
# 2, 5, 46
is "$(col user name)|$(col user email)" "character varying(255)|NO||character varying(255)|NO|" "#2 string(255) and string are varchar(255) NOT NULL"
is "$(col user quote)" "text|NO|'it''s'::text" "#46 default with a quote"
is "$(q "select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum e join pg_type t on t.oid=e.enumtypid where typname='user_mood'")" "ok,it's" "#46 enum value with a quote"
# 6, 7
is "$(col user id)" "uuid|NO|" "#6 uuid PK (Strav-C: no default on PKs)"
is "$(col code id)" "character(26)|NO|" "#7 ulid PK is char(26), no default"
# 8
is "$(col post price)|$(col post ratio)" "numeric(10,2)|NO||numeric|YES|" "#8 decimal(10,2), numeric"
# 9, 10
is "$(con uq_user_email)" "UNIQUE (email)" "#9 unique email"
is "$(idx idx_user_slug)" 'CREATE INDEX idx_user_slug ON public."user" USING btree (slug)' "#10 index on slug"
# 11
is "$(col user role)" "user_role|NO|'user'::user_role" "#11 role typed user_role, default 'user'"
is "$(jq -r '.executionOrder.up[0] + " " + .executionOrder.down[-1]' database/migrations/public/$v/manifest.json)" "enums/up.sql enums/down.sql" "#11 manifest: enums first up, last down"
# 13, 14
is "$(col post author_id)|$(col post editor_id)" "uuid|NO||uuid|YES|" "#13/#14 author_id uuid NOT NULL, editor_id nullable"
is "$(con fk_post_author_id)" 'FOREIGN KEY (author_id) REFERENCES "user"(id) ON UPDATE CASCADE ON DELETE RESTRICT' "#13 fk_post_author_id RESTRICT/CASCADE"
is "$(con fk_post_editor_id)" 'FOREIGN KEY (editor_id) REFERENCES "user"(id) ON UPDATE CASCADE ON DELETE SET NULL' "#14 nullable ref: SET NULL"
ok '[ -n "$(idx idx_post_author_id)" ]' "#13 index idx_post_author_id"
# 15
is "$(col post category_id)|$(col post tag_id)|$(col post code_id)" "integer|YES||bigint|YES||character(26)|YES|" "#15 ref to serial/bigserial/ulid PKs: integer, bigint, char(26)"
# 16, 17, 18
is "$(cols address)" "id,user_id,street,created_at,updated_at" "#16 component: user_id right after id, no deleted_at"
is "$(col address user_id)" "uuid|NO|" "#16 user_id uuid NOT NULL"
is "$(con fk_address_user_id)" 'FOREIGN KEY (user_id) REFERENCES "user"(id) ON UPDATE CASCADE ON DELETE CASCADE' "#16 parent FK CASCADE/CASCADE"
ok '[ -n "$(idx idx_address_user_id)" ]' "#16 index idx_address_user_id"
is "$(cols profile)" "id,bio,created_at,updated_at,deleted_at" "#17 entity of user: no user_id column"
is "$(cols click)" "id,url,created_at" "#18 event: only created_at"
# 19
is "$(cols team_member)" "team_id,user_id,role,created_at,updated_at" "#19 association columns"
is "$(col team_member team_id)|$(col team_member user_id)|$(col team_member role)" "integer|NO||uuid|NO||team_member_role|YES|" "#19 team_id integer, user_id uuid, role enum"
is "$(q "select count(*) from pg_constraint where conrelid='team_member'::regclass and contype='p'")" "0" "#19 association has no PK"
is "$(q "select string_agg(pg_get_constraintdef(oid), '; ' order by pg_get_constraintdef(oid)) from pg_constraint where conrelid='team_member'::regclass and contype in ('u','f')")" 'FOREIGN KEY (team_id) REFERENCES team(id) ON UPDATE CASCADE ON DELETE CASCADE; FOREIGN KEY (user_id) REFERENCES "user"(id) ON UPDATE CASCADE ON DELETE CASCADE; UNIQUE (team_id, user_id)' "#19 CASCADE FKs and the unique pair"
is "$(q "select count(*) from pg_index where indrelid='team_member'::regclass and indisunique")" "1" "#19 no duplicate unique index"
# 20, 21
is "$(con fk_category_parent_id)" 'FOREIGN KEY (parent_id) REFERENCES category(id) ON UPDATE CASCADE ON DELETE SET NULL' "#20 self reference"
ok '[ -n "$(con fk_a_b_id)" ] && [ -n "$(con fk_b_a_id)" ]' "#21 a<->b cycle: both FKs exist"
# 23: comment depends on post; the FKs are a later phase, so any table order applies; post listed before comment
up=$(jq -r '.executionOrder.up | join(" ")' database/migrations/public/$v/manifest.json)
ok '[[ "$up" == *"tables/post/up.sql"*"tables/comment/up.sql"* ]]' "#23 manifest up lists post before comment"
ok '[[ "$up" == *"tables/"*"constraints/up.sql"* ]] && [[ "$(jq -r ".executionOrder.down[0]" database/migrations/public/$v/manifest.json)" != tables/* ]]' "#23 constraints after every table; down starts with indexes/constraints"
# 24
is "$(cols log)" "id,created_at,updated_at,deleted_at" "#24 createdAt replaces the implicit created_at"
is "$(col log created_at)" "timestamp without time zone|NO|" "#24 created_at has the user's type"
# convergence (#8, #36): nothing to generate, no drift
gen "again"
ok '[[ "$OUT" == *"profile.strav:1:19: warning: '"'entity'"' ignores its '"'of'"' parents"* ]]' "#17 entity of user: a warning says the parent is ignored"
is "$RC:${OUT##*$'\n'}" "0:No changes detected" "generate again: no changes (decimal(10,2) converges)"
run "$STRAVC" diff --database "$DSN"
is "$RC:${OUT##*$'\n'}" "0:No drift: the database matches the schema files" "stravc diff --database: in sync"
# stravc fmt: canonical form changes no model (nothing to generate), and is idempotent
printf 'entity   widget{\n}\n' >database/schemas/public/widget.strav
run "$STRAVC" fmt --check
ok '[ "$RC" = 1 ] && [[ "$OUT" == *widget.strav* ]]' "fmt --check lists an unformatted file, exit 1"
run "$STRAVC" fmt
s1=$(cat database/schemas/public/*.strav)
run "$STRAVC" fmt --check
is "$RC" "0" "after fmt, fmt --check passes"
run "$STRAVC" fmt
is "$(cat database/schemas/public/*.strav)" "$s1" "fmt is idempotent"
run "$STRAVC" diff
is "$RC" "0" "formatting changes nothing to generate (stravc diff exit 0)"
# the down of everything restores an empty catalog
run "$STRAV" rollback
is "$RC:$(q "select count(*) from pg_class c join pg_namespace n on n.oid=c.relnamespace where nspname='public' and relname not like '_strav_%'"):$(q "select count(*) from pg_type t join pg_namespace n on n.oid=t.typnamespace where nspname='public' and typtype='e'")" "0:0:0" "rollback of the whole schema leaves no table, index, sequence or enum"
done_testing
