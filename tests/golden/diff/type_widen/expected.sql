-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   change type of users.email from VARCHAR(100) to VARCHAR(255)
--   change type of users.bio from TEXT to VARCHAR(500)
--   change type of users.score from INTEGER to BIGINT
--   change type of users.price from NUMERIC(10,2) to NUMERIC(12,4)
-- destructive: change type of users.bio from TEXT to VARCHAR(500)
-- irreversible: change type of users.bio from TEXT to VARCHAR(500)

-- tables/users/up.sql
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(255);
ALTER TABLE users ALTER COLUMN bio TYPE VARCHAR(500) USING bio::VARCHAR(500);
ALTER TABLE users ALTER COLUMN score TYPE BIGINT USING score::BIGINT;
ALTER TABLE users ALTER COLUMN price TYPE NUMERIC(12,4);

-- tables/users/down.sql
ALTER TABLE users ALTER COLUMN price TYPE NUMERIC(10,2);
ALTER TABLE users ALTER COLUMN score TYPE INTEGER USING score::INTEGER;
ALTER TABLE users ALTER COLUMN bio TYPE TEXT USING bio::TEXT;
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(100);
