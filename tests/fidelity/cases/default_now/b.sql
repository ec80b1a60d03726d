CREATE TABLE events (
    id serial PRIMARY KEY,
    kind text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    note text DEFAULT NULL
);
