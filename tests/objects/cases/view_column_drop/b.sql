CREATE TABLE people (
  id integer primary key,
  first_name text not null,
  last_name text not null
);
CREATE VIEW people_display AS SELECT id, first_name || ' ' || last_name AS display FROM people;
