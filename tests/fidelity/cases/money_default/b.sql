CREATE TABLE fees (id serial PRIMARY KEY, amount money NOT NULL DEFAULT 0);
