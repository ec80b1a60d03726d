-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop foreign key posts_user_id_fkey
--   add foreign key posts_user_id_fkey

-- constraints/drop_up.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- constraints/up.sql
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) MATCH FULL DEFERRABLE INITIALLY DEFERRED NOT VALID;

-- constraints/down.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- constraints/drop_down.sql
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
