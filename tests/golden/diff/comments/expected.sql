-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 1 to modify, 0 to drop
--   comment on enum status
--   comment on column users.bio
--   comment on table users

-- enums/up.sql
COMMENT ON TYPE status IS 'Lifecycle';

-- tables/users/up.sql
COMMENT ON COLUMN users.bio IS 'About them, it''s free text';
COMMENT ON TABLE users IS 'All the people';

-- tables/users/down.sql
COMMENT ON TABLE users IS NULL;
COMMENT ON COLUMN users.bio IS NULL;

-- enums/down.sql
COMMENT ON TYPE status IS NULL;
