CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
CREATE TABLE cities (id serial PRIMARY KEY, country char(2) NOT NULL REFERENCES countries (code));
