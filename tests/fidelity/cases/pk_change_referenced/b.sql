CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL, CONSTRAINT countries_name_key UNIQUE (name));
CREATE TABLE cities (id serial PRIMARY KEY, country char(2) NOT NULL REFERENCES countries (code),
    country_name text REFERENCES countries (name) ON UPDATE CASCADE);
