-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 1 to modify, 0 to drop
--   add values to enum status
--   add column posts.state
-- irreversible: remove added values of enum status on down

-- enums/add_values_up.sql (outside transaction)
ALTER TYPE status ADD VALUE IF NOT EXISTS 'new_first' BEFORE 'draft';
ALTER TYPE status ADD VALUE IF NOT EXISTS 'review' AFTER 'draft';
ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived' AFTER 'live';

-- tables/posts/up.sql
ALTER TABLE posts ADD COLUMN state status DEFAULT 'review' NOT NULL;

-- tables/posts/down.sql
ALTER TABLE posts DROP COLUMN state;

-- enums/add_values_down.sql
ALTER TYPE status RENAME TO status__strav_old;
CREATE TYPE status AS ENUM ('draft', 'live');
ALTER TABLE posts ALTER COLUMN old_state TYPE status USING old_state::TEXT::status;
DROP TYPE status__strav_old;
