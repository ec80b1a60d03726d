-- tables: 0 to create, 0 to drop, 0 to modify; enums: 1 to create, 0 to modify, 1 to drop
--   create enum kind
--   drop enum status

-- enums/up.sql
CREATE TYPE kind AS ENUM ('a', 'b');

-- enums/drop_up.sql
DROP TYPE status;

-- enums/drop_down.sql
CREATE TYPE status AS ENUM ('draft', 'live');

-- enums/down.sql
DROP TYPE kind;
