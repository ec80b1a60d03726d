-- tables: 0 to create, 0 to drop, 0 to modify; enums: 0 to create, 1 to modify, 0 to drop
--   rebuild enum status
-- destructive: remove value live from enum status
-- irreversible: remove value live from enum status

-- enums/drop_up.sql
ALTER TYPE status RENAME TO status__strav_old;
CREATE TYPE status AS ENUM ('draft');
ALTER TABLE posts ALTER COLUMN state DROP DEFAULT;
ALTER TABLE posts ALTER COLUMN state TYPE status USING state::TEXT::status;
ALTER TABLE posts ALTER COLUMN state SET DEFAULT 'draft';
DROP TYPE status__strav_old;

-- enums/drop_down.sql
ALTER TYPE status RENAME TO status__strav_old;
CREATE TYPE status AS ENUM ('draft', 'live');
ALTER TABLE posts ALTER COLUMN state DROP DEFAULT;
ALTER TABLE posts ALTER COLUMN state TYPE status USING state::TEXT::status;
ALTER TABLE posts ALTER COLUMN state SET DEFAULT 'draft';
DROP TYPE status__strav_old;
