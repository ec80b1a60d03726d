-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   add column users.must

-- tables/users/up.sql
DO $strav_guard$ BEGIN IF EXISTS (SELECT FROM users) THEN RAISE EXCEPTION 'table % has % rows: %', 'users', (SELECT count(*) FROM users), 'column must: give it a default or @backfill'; END IF; END $strav_guard$;
ALTER TABLE users ADD COLUMN must TEXT NOT NULL;

-- tables/users/down.sql
ALTER TABLE users DROP COLUMN must;
