CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE people (id serial PRIMARY KEY, mood mood NOT NULL DEFAULT 'ok');
COMMENT ON TYPE mood IS 'how people feel';
