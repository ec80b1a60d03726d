CREATE TABLE things (id serial PRIMARY KEY);
