CREATE TABLE jobs (id integer PRIMARY KEY, state text NOT NULL, done boolean NOT NULL DEFAULT false, price money DEFAULT 0);
