-- Every catalog feature introspection reads; schema "app" (search_path set by the test).
CREATE TYPE user_role AS ENUM ('user', 'admin', 'super user');
CREATE TYPE "Currency" AS ENUM ('EUR', 'it''s', 'USD');
ALTER TYPE "Currency" ADD VALUE 'CHF' BEFORE 'USD';
COMMENT ON TYPE user_role IS 'Who may do what';

CREATE TABLE users (
    id serial,
    email varchar(255) NOT NULL,
    name text NOT NULL DEFAULT 'it''s',
    role user_role NOT NULL DEFAULT 'user',
    roles user_role[],
    score integer NOT NULL DEFAULT -1,
    balance numeric(12, 2) NOT NULL DEFAULT -1.5,
    ratio numeric,
    small smallint DEFAULT 0,
    tags text[] NOT NULL DEFAULT '{}',
    grid integer[][],
    code char(3),
    flags bit(8),
    vflags varbit,
    note varchar,
    active boolean NOT NULL DEFAULT true,
    born date,
    at time(3),
    span interval(2),
    "userName" text,
    currency "Currency",
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deleted_at timestamptz,
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT users_score_check CHECK (score >= -1 AND name <> '')
);
COMMENT ON TABLE users IS 'People';
COMMENT ON COLUMN users.email IS 'Login';
CREATE INDEX idx_users_role ON users (role);
CREATE INDEX users_lower_email ON users (lower(email) DESC NULLS LAST, id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_name_u ON users USING btree (name, (score + 1));
CREATE INDEX users_tags ON users USING gin (tags);

CREATE TABLE posts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id integer NOT NULL,
    editor_id integer,
    title text NOT NULL,
    words integer GENERATED ALWAYS AS (length(title) * 2) STORED,
    price real DEFAULT '1.5',
    payload jsonb DEFAULT '{}',
    uid uuid DEFAULT gen_random_uuid(),
    CONSTRAINT fk_posts_author_id FOREIGN KEY (author_id) REFERENCES users (id) ON UPDATE CASCADE,
    CONSTRAINT posts_editor FOREIGN KEY (editor_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX idx_posts_author_id ON posts (author_id);

CREATE TABLE pairs (
    a integer NOT NULL,
    b integer NOT NULL,
    label text,
    PRIMARY KEY (a, b),
    UNIQUE (b, a)
);
CREATE TABLE pair_refs (
    id smallserial PRIMARY KEY,
    pair_a integer NOT NULL,
    pair_b integer NOT NULL,
    counter bigserial,
    FOREIGN KEY (pair_a, pair_b) REFERENCES pairs (a, b) ON DELETE CASCADE ON UPDATE RESTRICT
);
CREATE INDEX ON pair_refs (pair_b DESC, pair_a NULLS FIRST);

-- Not part of the model: listed as warnings.
CREATE VIEW active_users AS SELECT * FROM users WHERE deleted_at IS NULL;
CREATE MATERIALIZED VIEW user_counts AS SELECT count(*) FROM users;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY posts_all ON posts USING (true);
CREATE TABLE measurements (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE SEQUENCE free_counter;
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE with_domain (qty positive, c circle, EXCLUDE USING gist (c WITH &&), ip inet DEFAULT '10.0.0.1');
CREATE TABLE _strav_migrations (id serial PRIMARY KEY, version varchar(255));
CREATE EXTENSION IF NOT EXISTS citext SCHEMA app;
CREATE TABLE odd_types (t citext, x xml, r int4range, m money DEFAULT 0);
