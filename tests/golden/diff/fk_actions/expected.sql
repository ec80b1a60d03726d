-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   make nullable posts.user_id
--   drop foreign key posts_user_id_fkey
--   add foreign key posts_user_id_fkey

-- constraints/drop_up.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- tables/posts/up.sql
ALTER TABLE posts ALTER COLUMN user_id DROP NOT NULL;

-- constraints/up.sql
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;

-- constraints/down.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- tables/posts/down.sql
ALTER TABLE posts ALTER COLUMN user_id SET NOT NULL;

-- constraints/drop_down.sql
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
