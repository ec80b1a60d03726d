-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   add column users.nick

-- tables/users/up.sql
ALTER TABLE users ADD COLUMN nick TEXT;

-- tables/users/down.sql
ALTER TABLE users DROP COLUMN nick;
