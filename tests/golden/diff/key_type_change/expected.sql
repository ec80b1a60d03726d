-- tables: 0 to create, 0 to drop, 2 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   change type of posts.user_id from INTEGER to BIGINT
--   change type of users.id from INTEGER to BIGINT
--   drop foreign key posts_user_id_fkey
--   add foreign key posts_user_id_fkey

-- constraints/drop_up.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- tables/posts/up.sql
ALTER TABLE posts ALTER COLUMN user_id TYPE BIGINT USING user_id::BIGINT;

-- tables/users/up.sql
ALTER TABLE users ALTER COLUMN id TYPE BIGINT USING id::BIGINT;

-- constraints/up.sql
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);

-- constraints/down.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- tables/users/down.sql
ALTER TABLE users ALTER COLUMN id TYPE INTEGER USING id::INTEGER;

-- tables/posts/down.sql
ALTER TABLE posts ALTER COLUMN user_id TYPE INTEGER USING user_id::INTEGER;

-- constraints/drop_down.sql
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
