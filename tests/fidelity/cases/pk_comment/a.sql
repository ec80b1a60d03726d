CREATE TABLE users (id integer PRIMARY KEY, email text);
CREATE TABLE teams (id integer CONSTRAINT teams_pkey PRIMARY KEY);
COMMENT ON CONSTRAINT teams_pkey ON teams IS 'old';
