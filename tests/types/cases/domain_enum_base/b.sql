CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN good_mood AS mood CHECK (VALUE <> 'sad');
CREATE TABLE diary (id serial PRIMARY KEY, body text, feeling good_mood DEFAULT 'ok');
