-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   change default of users.bio
--   change default of users.score
--   change default of users.price
--   change default of users.flags

-- tables/users/up.sql
ALTER TABLE users ALTER COLUMN bio SET DEFAULT 'it''s';
ALTER TABLE users ALTER COLUMN score SET DEFAULT -5;
ALTER TABLE users ALTER COLUMN price SET DEFAULT (1.5 * 2);
ALTER TABLE users ALTER COLUMN flags SET DEFAULT '{}'::integer[];

-- tables/users/down.sql
ALTER TABLE users ALTER COLUMN flags DROP DEFAULT;
ALTER TABLE users ALTER COLUMN price DROP DEFAULT;
ALTER TABLE users ALTER COLUMN score DROP DEFAULT;
ALTER TABLE users ALTER COLUMN bio DROP DEFAULT;
