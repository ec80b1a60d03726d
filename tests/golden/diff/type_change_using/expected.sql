-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   change type of logs.at from BIGINT to TIMESTAMPTZ
-- destructive: change type of logs.at from BIGINT to TIMESTAMPTZ
-- irreversible: change type of logs.at from BIGINT to TIMESTAMPTZ

-- tables/logs/up.sql
ALTER TABLE logs ALTER COLUMN at TYPE TIMESTAMPTZ USING (to_timestamp(at));

-- tables/logs/down.sql
ALTER TABLE logs ALTER COLUMN at TYPE BIGINT USING (extract(epoch FROM at)::bigint);
