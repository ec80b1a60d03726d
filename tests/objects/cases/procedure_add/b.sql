CREATE TABLE jobs (id serial PRIMARY KEY, finished_at timestamptz);
CREATE PROCEDURE purge_jobs(days integer DEFAULT 30)
LANGUAGE plpgsql
AS $$
BEGIN
  DELETE FROM jobs WHERE finished_at < now() - make_interval(days => days);
  COMMIT;
END
$$;
