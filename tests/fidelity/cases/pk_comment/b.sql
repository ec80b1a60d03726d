CREATE TABLE users (id integer PRIMARY KEY, email text);
COMMENT ON CONSTRAINT users_pkey ON users IS 'one row per person';
CREATE TABLE teams (id integer CONSTRAINT teams_pkey PRIMARY KEY);
COMMENT ON CONSTRAINT teams_pkey ON teams IS 'new';
