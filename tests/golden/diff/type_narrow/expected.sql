-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   change type of users.email from VARCHAR(100) to VARCHAR(50)
--   change type of users.bio from TEXT to INTEGER
--   change type of users.score from INTEGER to status
--   change type of users.code from CHAR(26) to VARCHAR(26)
--   change type of users.flags from INTEGER[] to INTEGER[][]
-- destructive: change type of users.email from VARCHAR(100) to VARCHAR(50)
-- destructive: change type of users.bio from TEXT to INTEGER
-- destructive: change type of users.score from INTEGER to status
-- destructive: change type of users.flags from INTEGER[] to INTEGER[][]
-- irreversible: change type of users.email from VARCHAR(100) to VARCHAR(50)
-- irreversible: change type of users.bio from TEXT to INTEGER
-- irreversible: change type of users.score from INTEGER to status
-- irreversible: change type of users.flags from INTEGER[] to INTEGER[][]

-- tables/users/up.sql
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(50);
ALTER TABLE users ALTER COLUMN bio TYPE INTEGER USING bio::INTEGER;
ALTER TABLE users ALTER COLUMN score TYPE status USING score::TEXT::status;
ALTER TABLE users ALTER COLUMN code TYPE VARCHAR(26) USING code::VARCHAR(26);
ALTER TABLE users ALTER COLUMN flags TYPE INTEGER[][] USING flags::INTEGER[][];

-- tables/users/down.sql
ALTER TABLE users ALTER COLUMN flags TYPE INTEGER[] USING flags::INTEGER[];
ALTER TABLE users ALTER COLUMN code TYPE CHAR(26) USING code::CHAR(26);
ALTER TABLE users ALTER COLUMN score TYPE INTEGER USING score::TEXT::INTEGER;
ALTER TABLE users ALTER COLUMN bio TYPE TEXT USING bio::TEXT;
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(100);
