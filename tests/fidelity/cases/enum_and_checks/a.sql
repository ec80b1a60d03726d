CREATE TYPE status AS ENUM ('draft', 'live');
CREATE TABLE pages (id serial PRIMARY KEY, status status NOT NULL DEFAULT 'draft', title varchar(200) NOT NULL);
