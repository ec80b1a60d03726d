CREATE TABLE fees (id serial PRIMARY KEY);
