-- tables: 3 to create, 0 to drop, 0 to modify; enums: 1 to create, 0 to modify, 0 to drop
--   create enum role
--   create table org
--   create table "select"
--   create table member
--   add foreign key member_org_fkey
--   add foreign key member_user_fkey
--   add foreign key select_org_id_fkey
--   create index select_lower_idx
--   create index select_org_id_idx

-- enums/up.sql
CREATE TYPE role AS ENUM ('user', 'admin');
COMMENT ON TYPE role IS 'who';

-- tables/org/up.sql
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

-- tables/select/up.sql
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

-- tables/member/up.sql
CREATE TABLE member (
    org_id BIGINT NOT NULL,
    user_id INTEGER NOT NULL,
    CONSTRAINT member_pkey PRIMARY KEY (org_id, user_id)
);

-- constraints/up.sql
ALTER TABLE member ADD CONSTRAINT member_org_fkey FOREIGN KEY (org_id) REFERENCES org (id);
ALTER TABLE member ADD CONSTRAINT member_user_fkey FOREIGN KEY (user_id) REFERENCES "select" (id);
ALTER TABLE "select" ADD CONSTRAINT select_org_id_fkey FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE CASCADE;

-- indexes/up.sql
CREATE UNIQUE INDEX select_lower_idx ON "select" ((lower("my""col")), at DESC NULLS LAST) WHERE (active);
CREATE INDEX select_org_id_idx ON "select" (org_id);

-- indexes/down.sql
DROP INDEX select_org_id_idx;
DROP INDEX select_lower_idx;

-- constraints/down.sql
ALTER TABLE "select" DROP CONSTRAINT select_org_id_fkey;
ALTER TABLE member DROP CONSTRAINT member_user_fkey;
ALTER TABLE member DROP CONSTRAINT member_org_fkey;

-- tables/member/down.sql
DROP TABLE member;

-- tables/select/down.sql
DROP TABLE "select";

-- tables/org/down.sql
DROP TABLE org;

-- enums/down.sql
DROP TYPE role;
