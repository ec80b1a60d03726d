-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   create domain cur
--   drop attribute amount_t.note
--   add attribute amount_t.currency
--   comment on type amount_t
--   create type fresh
--   change type of attribute loose.a
--   drop type gone
--   drop domain code
--   add column pay.extra
-- destructive: drop attribute amount_t.note
-- irreversible: drop attribute amount_t.note

-- types/up.sql
CREATE DOMAIN cur AS CHAR(3) NOT NULL;
ALTER TYPE amount_t DROP ATTRIBUTE note;
ALTER TYPE amount_t ADD ATTRIBUTE currency cur;
COMMENT ON TYPE amount_t IS 'a sum of money';
CREATE TYPE fresh AS (
    c cur
);
ALTER TYPE loose ALTER ATTRIBUTE a TYPE BIGINT;

-- tables/pay/up.sql
ALTER TABLE pay ADD COLUMN extra fresh;

-- types/drop_up.sql
DROP TYPE gone;
DROP DOMAIN code;

-- types/drop_down.sql
CREATE DOMAIN code AS CHAR(3) NOT NULL;
CREATE TYPE gone AS (
    a code
);

-- tables/pay/down.sql
ALTER TABLE pay DROP COLUMN extra;

-- types/down.sql
ALTER TYPE loose ALTER ATTRIBUTE a TYPE INTEGER;
DROP TYPE fresh;
COMMENT ON TYPE amount_t IS NULL;
ALTER TYPE amount_t DROP ATTRIBUTE currency;
ALTER TYPE amount_t ADD ATTRIBUTE note TEXT;
DROP DOMAIN cur;
