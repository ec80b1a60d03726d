-- tables: 0 to create, 3 to drop, 0 to modify; enums: 0 to create, 0 to modify, 1 to drop
--   drop enum role
--   drop table member
--   drop table "select"
--   drop table org
--   drop foreign key member_org_fkey
--   drop foreign key member_user_fkey
--   drop foreign key select_org_id_fkey
-- destructive: drop table member
-- destructive: drop table "select"
-- destructive: drop table org
-- irreversible: drop table member
-- irreversible: drop table "select"
-- irreversible: drop table org

-- constraints/drop_up.sql
ALTER TABLE member DROP CONSTRAINT member_org_fkey;
ALTER TABLE member DROP CONSTRAINT member_user_fkey;
ALTER TABLE "select" DROP CONSTRAINT select_org_id_fkey;

-- tables/member/up.sql
DROP TABLE member;

-- tables/select/up.sql
DROP TABLE "select";

-- tables/org/up.sql
DROP TABLE org;

-- enums/drop_up.sql
DROP TYPE role;

-- enums/drop_down.sql
CREATE TYPE role AS ENUM ('user', 'admin');
COMMENT ON TYPE role IS 'who';

-- tables/org/down.sql
CREATE TABLE org (
    id BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL,
    name VARCHAR(100) NOT NULL,
    tags TEXT[],
    budget NUMERIC(10,2) DEFAULT 0 NOT NULL,
    note TEXT DEFAULT 'it''s' NOT NULL,
    CONSTRAINT org_pkey PRIMARY KEY (id),
    CONSTRAINT org_name_key UNIQUE (name),
    CONSTRAINT org_budget_check CHECK (budget >= 0)
);
COMMENT ON TABLE org IS 'Organisations';

-- tables/select/down.sql
CREATE TABLE "select" (
    id INTEGER NOT NULL,
    org_id BIGINT NOT NULL,
    "my""col" CHAR(26),
    role role DEFAULT 'user' NOT NULL,
    active BOOLEAN DEFAULT TRUE NOT NULL,
    at TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP NOT NULL,
    twice INTEGER GENERATED ALWAYS AS (id * 2) STORED,
    CONSTRAINT select_pkey PRIMARY KEY (id)
);
COMMENT ON COLUMN "select".twice IS 'derived';
CREATE UNIQUE INDEX select_lower_idx ON "select" ((lower("my""col")), at DESC NULLS LAST) WHERE (active);
CREATE INDEX select_org_id_idx ON "select" (org_id);

-- tables/member/down.sql
CREATE TABLE member (
    org_id BIGINT NOT NULL,
    user_id INTEGER NOT NULL,
    CONSTRAINT member_pkey PRIMARY KEY (org_id, user_id)
);

-- constraints/drop_down.sql
ALTER TABLE "select" ADD CONSTRAINT select_org_id_fkey FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE CASCADE;
ALTER TABLE member ADD CONSTRAINT member_user_fkey FOREIGN KEY (user_id) REFERENCES "select" (id);
ALTER TABLE member ADD CONSTRAINT member_org_fkey FOREIGN KEY (org_id) REFERENCES org (id);
