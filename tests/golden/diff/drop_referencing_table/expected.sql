-- tables: 0 to create, 1 to drop, 0 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop table posts
-- destructive: drop table posts
-- irreversible: drop table posts

-- tables/posts/up.sql
DROP TABLE posts;

-- tables/posts/down.sql
CREATE TABLE posts (
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    CONSTRAINT posts_pkey PRIMARY KEY (id)
);
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
