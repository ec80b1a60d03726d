-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   rename table users to people

-- tables/people/up.sql
ALTER TABLE users RENAME TO people;

-- tables/people/down.sql
ALTER TABLE people RENAME TO users;
