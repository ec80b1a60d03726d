CREATE TABLE docs (id serial PRIMARY KEY, title text NOT NULL, tags text[], owner integer);
CREATE INDEX docs_title_lower ON docs (lower(title) text_pattern_ops);
CREATE UNIQUE INDEX docs_owner_title ON docs (owner) INCLUDE (title);
CREATE INDEX docs_tags ON docs USING gin (tags);
CREATE UNIQUE INDEX docs_title_nnd ON docs (title) NULLS NOT DISTINCT;
