#!/usr/bin/env bash
# fk_setcols.t - a foreign key's ON DELETE SET NULL (cols) / SET DEFAULT (cols) (PostgreSQL 15)
# has no spelling in the model: pull and the drift check say so by name instead of writing the
# key as if every column were set (which a later migration would apply), and --strict counts it.
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

project fksetcols
DSN="host=$PGHOST port=$PGPORT user=postgres dbname=fksetcols"
q "
CREATE TABLE tenants (id int PRIMARY KEY);
CREATE TABLE users (tenant_id int NOT NULL REFERENCES tenants, id int, PRIMARY KEY (tenant_id, id));
CREATE TABLE posts (id int PRIMARY KEY, tenant_id int NOT NULL, author_id int,
  CONSTRAINT posts_author_fk FOREIGN KEY (tenant_id, author_id) REFERENCES users ON DELETE SET NULL (author_id));
CREATE TABLE notes (id int PRIMARY KEY, tenant_id int NOT NULL, author_id int DEFAULT 0,
  CONSTRAINT notes_author_fk FOREIGN KEY (tenant_id, author_id) REFERENCES users ON DELETE SET NULL);
" >/dev/null
run "$STRAVC" pull --database "$DSN"
ok '[ "$RC" = 0 ] && [[ "$OUT" == *"foreign key posts.posts_author_fk: the column list of ON DELETE SET NULL (...) is not in the model"* ]]' "pull names the key whose SET NULL column list the model cannot hold"
ok '[[ "$OUT" != *"notes_author_fk"* ]]' "  and not a plain ON DELETE SET NULL"
run "$STRAVC" diff --database "$DSN" --strict
ok '[ "$RC" = 3 ] && [[ "$OUT" == *"posts_author_fk"* ]]' "drift --strict counts it (exit 3)"
done_testing
