-- tables: 2 to create, 0 to drop, 0 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   create table b
--   create table a
--   add foreign key a_b_fkey
--   add foreign key b_a_fkey

-- tables/b/up.sql
CREATE TABLE b (
    id INTEGER NOT NULL,
    a_id INTEGER,
    CONSTRAINT b_pkey PRIMARY KEY (id)
);

-- tables/a/up.sql
CREATE TABLE a (
    id INTEGER NOT NULL,
    b_id INTEGER,
    CONSTRAINT a_pkey PRIMARY KEY (id)
);

-- constraints/up.sql
ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b (id);
ALTER TABLE b ADD CONSTRAINT b_a_fkey FOREIGN KEY (a_id) REFERENCES a (id);

-- constraints/down.sql
ALTER TABLE b DROP CONSTRAINT b_a_fkey;
ALTER TABLE a DROP CONSTRAINT a_b_fkey;

-- tables/a/down.sql
DROP TABLE a;

-- tables/b/down.sql
DROP TABLE b;
