-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop index users_email_idx
--   add index users_email_idx
--   add index users_flags_idx
--   add index users_lower_idx

-- indexes/drop_up.sql
DROP INDEX users_email_idx;

-- indexes/up.sql
CREATE UNIQUE INDEX users_email_idx ON users (email DESC) WHERE (score IS NOT NULL);
CREATE INDEX users_flags_idx ON users USING gin (flags);
CREATE INDEX users_lower_idx ON users USING hash ((lower(email)));

-- indexes/down.sql
DROP INDEX users_lower_idx;
DROP INDEX users_flags_idx;
DROP INDEX users_email_idx;

-- indexes/drop_down.sql
CREATE INDEX users_email_idx ON users (email);
