CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
CREATE FUNCTION normalize_email(e text) RETURNS text LANGUAGE sql AS 'SELECT lower(trim(e))';
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM users';
