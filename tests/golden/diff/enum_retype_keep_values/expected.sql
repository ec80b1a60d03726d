-- tables: 0 to create, 0 to drop, 1 to modify; enums: 1 to create, 0 to modify, 1 to drop
--   create enum kind
--   drop enum status
--   change type of posts.state from status to kind

-- enums/up.sql
CREATE TYPE kind AS ENUM ('draft', 'extra', 'live');

-- tables/posts/up.sql
ALTER TABLE posts ALTER COLUMN state DROP DEFAULT;
ALTER TABLE posts ALTER COLUMN state TYPE kind USING state::TEXT::kind;
ALTER TABLE posts ALTER COLUMN state SET DEFAULT 'draft';

-- enums/drop_up.sql
DROP TYPE status;

-- enums/drop_down.sql
CREATE TYPE status AS ENUM ('draft', 'live');

-- tables/posts/down.sql
ALTER TABLE posts ALTER COLUMN state DROP DEFAULT;
ALTER TABLE posts ALTER COLUMN state TYPE status USING state::TEXT::status;
ALTER TABLE posts ALTER COLUMN state SET DEFAULT 'draft';

-- enums/down.sql
DROP TYPE kind;
