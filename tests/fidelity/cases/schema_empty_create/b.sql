CREATE TABLE things (id serial PRIMARY KEY);
CREATE SCHEMA reports;
