-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   add column users.email_verified_at

-- tables/users/up.sql
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;

-- tables/users/down.sql
ALTER TABLE users DROP COLUMN email_verified_at;
