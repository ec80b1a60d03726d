-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   make nullable users.email
--   make NOT NULL users.bio

-- tables/users/up.sql
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
UPDATE users SET bio = '' WHERE bio IS NULL;
ALTER TABLE users ALTER COLUMN bio SET NOT NULL;

-- tables/users/down.sql
ALTER TABLE users ALTER COLUMN bio DROP NOT NULL;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
