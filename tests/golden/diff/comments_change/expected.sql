-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   comment on column users.bio
--   comment on table users

-- tables/users/up.sql
COMMENT ON COLUMN users.bio IS 'changed';
COMMENT ON TABLE users IS NULL;

-- tables/users/down.sql
COMMENT ON TABLE users IS 'All the people';
COMMENT ON COLUMN users.bio IS 'About them, it''s free text';
