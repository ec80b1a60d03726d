-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   rename column users.bio to about

-- tables/users/up.sql
ALTER TABLE users RENAME COLUMN bio TO about;

-- tables/users/down.sql
ALTER TABLE users RENAME COLUMN about TO bio;
