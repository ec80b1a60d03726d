-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   re-create generated column users.score

-- tables/users/up.sql
ALTER TABLE users DROP COLUMN score;
ALTER TABLE users ADD COLUMN score INTEGER GENERATED ALWAYS AS (id * 100) STORED;

-- tables/users/down.sql
ALTER TABLE users DROP COLUMN score;
ALTER TABLE users ADD COLUMN score INTEGER GENERATED ALWAYS AS (id * 10) STORED;
