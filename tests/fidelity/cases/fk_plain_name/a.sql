CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE players (
    id integer PRIMARY KEY,
    team integer
);
