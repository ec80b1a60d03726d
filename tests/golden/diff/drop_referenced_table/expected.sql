-- tables: 0 to create, 1 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop table users
--   drop foreign key posts_user_id_fkey
-- destructive: drop table users
-- irreversible: drop table users

-- constraints/drop_up.sql
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- tables/users/up.sql
DROP TABLE users;

-- tables/users/down.sql
CREATE TABLE users (
    id INTEGER NOT NULL,
    email VARCHAR(100) NOT NULL,
    bio TEXT,
    score INTEGER,
    price NUMERIC(10,2),
    code CHAR(26),
    flags INTEGER[],
    CONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE INDEX users_email_idx ON users (email);

-- constraints/drop_down.sql
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
