-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop column users.bio
-- destructive: drop column users.bio
-- irreversible: drop column users.bio

-- tables/users/up.sql
ALTER TABLE users DROP COLUMN bio;

-- tables/users/down.sql
ALTER TABLE users ADD COLUMN bio TEXT;
