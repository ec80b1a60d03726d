CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE diary (id serial PRIMARY KEY, body text);
