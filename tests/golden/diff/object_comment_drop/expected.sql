-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   comment on foreign key posts_user_id_fkey

-- constraints/up.sql
COMMENT ON CONSTRAINT posts_user_id_fkey ON posts IS NULL;

-- constraints/down.sql
COMMENT ON CONSTRAINT posts_user_id_fkey ON posts IS 'who wrote it';
