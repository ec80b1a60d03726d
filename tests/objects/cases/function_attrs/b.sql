CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
CREATE FUNCTION normalize_email(e text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS 'SELECT lower(trim(e))';
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS 'SELECT count(*) FROM users';
