-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   add unique users_code_score_key
--   add unique users_email_key

-- constraints/up.sql
ALTER TABLE users ADD CONSTRAINT users_code_score_key UNIQUE (code, score);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

-- constraints/down.sql
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE users DROP CONSTRAINT users_code_score_key;
