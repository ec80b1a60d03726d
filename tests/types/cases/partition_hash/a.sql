CREATE TABLE session (id uuid PRIMARY KEY, data jsonb);
