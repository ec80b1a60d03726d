-- tables: 0 to create, 0 to drop, 0 to modify; enums: 0 to create, 1 to modify, 0 to drop
--   add values to enum status
-- irreversible: remove added values of enum status on down

-- enums/add_values_up.sql (outside transaction)
ALTER TYPE status ADD VALUE IF NOT EXISTS 'new_first' BEFORE 'draft';
ALTER TYPE status ADD VALUE IF NOT EXISTS 'review' AFTER 'draft';
ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived' AFTER 'live';

-- enums/add_values_down.sql
ALTER TYPE status RENAME TO status__strav_old;
CREATE TYPE status AS ENUM ('draft', 'live');
DROP TYPE status__strav_old;
