-- tables: 0 to create, 2 to drop, 0 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop table a
--   drop table b
--   drop foreign key a_b_fkey
--   drop foreign key b_a_fkey
-- destructive: drop table a
-- destructive: drop table b
-- irreversible: drop table a
-- irreversible: drop table b

-- constraints/drop_up.sql
ALTER TABLE a DROP CONSTRAINT a_b_fkey;
ALTER TABLE b DROP CONSTRAINT b_a_fkey;

-- tables/a/up.sql
DROP TABLE a;

-- tables/b/up.sql
DROP TABLE b;

-- tables/b/down.sql
CREATE TABLE b (
    id INTEGER NOT NULL,
    a_id INTEGER,
    CONSTRAINT b_pkey PRIMARY KEY (id)
);

-- tables/a/down.sql
CREATE TABLE a (
    id INTEGER NOT NULL,
    b_id INTEGER,
    CONSTRAINT a_pkey PRIMARY KEY (id)
);

-- constraints/drop_down.sql
ALTER TABLE b ADD CONSTRAINT b_a_fkey FOREIGN KEY (a_id) REFERENCES a (id);
ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b (id);
