-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   change default of users.bio
--   change default of users.score

-- tables/users/up.sql
ALTER TABLE users ALTER COLUMN bio SET DEFAULT 'other';
ALTER TABLE users ALTER COLUMN score DROP DEFAULT;

-- tables/users/down.sql
ALTER TABLE users ALTER COLUMN score SET DEFAULT -5;
ALTER TABLE users ALTER COLUMN bio SET DEFAULT 'it''s';
