CREATE TABLE probe (id serial PRIMARY KEY);
