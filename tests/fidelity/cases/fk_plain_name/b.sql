CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE players (
    id integer PRIMARY KEY,
    team integer CONSTRAINT player_team REFERENCES teams ON DELETE SET NULL
);
CREATE INDEX players_team_idx ON players (team);
