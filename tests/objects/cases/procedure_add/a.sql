CREATE TABLE jobs (id serial PRIMARY KEY, finished_at timestamptz);
