-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   rename index users_email_idx to users_mail_idx

-- tables/users/up.sql
ALTER INDEX users_email_idx RENAME TO users_mail_idx;

-- tables/users/down.sql
ALTER INDEX users_mail_idx RENAME TO users_email_idx;
