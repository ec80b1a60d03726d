-- tables: 0 to create, 0 to drop, 2 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop foreign key posts_user_id_fkey
--   drop unique users_code_score_key
--   add unique users_code_score_key
--   add foreign key posts_user_id_fkey

-- constraints/drop_up.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_code_score_key;

-- constraints/up.sql
ALTER TABLE users ADD CONSTRAINT users_code_score_key UNIQUE (score, code);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);

-- constraints/down.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_code_score_key;

-- constraints/drop_down.sql
ALTER TABLE users ADD CONSTRAINT users_code_score_key UNIQUE (code, score);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
