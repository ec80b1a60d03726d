CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE TABLE words (id serial PRIMARY KEY, w text NOT NULL);
CREATE VIEW word_sounds AS SELECT id, soundex(w) AS s FROM words;
