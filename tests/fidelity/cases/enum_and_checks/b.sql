CREATE TYPE status AS ENUM ('draft', 'live', 'archived');
CREATE TABLE pages (
    id serial PRIMARY KEY,
    status status NOT NULL DEFAULT 'draft',
    title varchar(200) NOT NULL,
    slug varchar(200),
    CONSTRAINT pages_slug_check CHECK (slug ~ '^[a-z0-9-]+$'),
    CONSTRAINT pages_title_key UNIQUE (title)
);
CREATE INDEX pages_live ON pages (title) WHERE status = 'live';
