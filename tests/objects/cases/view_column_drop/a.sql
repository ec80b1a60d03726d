CREATE TABLE people (
  id integer primary key,
  first_name text not null,
  last_name text not null,
  nickname text
);
CREATE VIEW people_display AS SELECT id, coalesce(nickname, first_name || ' ' || last_name) AS display FROM people;
