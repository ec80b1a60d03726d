-- tables: 0 to create, 0 to drop, 0 to modify; enums: 0 to create, 1 to modify, 0 to drop
--   rename value live of enum post_status to published
--   rename enum status to post_status

-- enums/up.sql
ALTER TYPE status RENAME VALUE 'live' TO 'published';
ALTER TYPE status RENAME TO post_status;

-- enums/down.sql
ALTER TYPE post_status RENAME TO status;
ALTER TYPE status RENAME VALUE 'published' TO 'live';
