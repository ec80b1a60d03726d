-- tables: 0 to create, 0 to drop, 2 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop foreign key posts_user_id_fkey
--   drop primary key users_pkey
--   add primary key users_pkey
--   add unique users_id_key
--   add foreign key posts_user_id_fkey

-- constraints/drop_up.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_pkey;

-- constraints/up.sql
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id, email);
ALTER TABLE users ADD CONSTRAINT users_id_key UNIQUE (id);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);

-- constraints/down.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_id_key;
ALTER TABLE users DROP CONSTRAINT users_pkey;

-- constraints/drop_down.sql
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
