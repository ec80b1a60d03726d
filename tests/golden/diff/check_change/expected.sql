-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop check users_score_check
--   add check users_score_check

-- constraints/drop_up.sql
ALTER TABLE users DROP CONSTRAINT users_score_check;

-- constraints/up.sql
ALTER TABLE users ADD CONSTRAINT users_score_check CHECK (score >= 0);

-- constraints/down.sql
ALTER TABLE users DROP CONSTRAINT users_score_check;

-- constraints/drop_down.sql
ALTER TABLE users ADD CONSTRAINT users_score_check CHECK (score > 0);
