-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   create domain country
--   drop check zip.zip_check
--   add check zip.ck_zip_8ceff298
--   add check zip.zip_check
--   set default of domain zip
--   drop not null of domain zip
--   comment on domain zip
--   drop domain old_code
--   change type of address.code from old_code to TEXT
--   add column address.country

-- types/up.sql
CREATE DOMAIN country AS CHAR(2) NOT NULL;
ALTER DOMAIN zip DROP CONSTRAINT zip_check;
ALTER DOMAIN zip ADD CONSTRAINT ck_zip_8ceff298 CHECK (length(VALUE) <= 10);
ALTER DOMAIN zip ADD CONSTRAINT zip_check CHECK (VALUE ~ '^\d{5}(-\d{4})?$');
ALTER DOMAIN zip SET DEFAULT '00000';
ALTER DOMAIN zip DROP NOT NULL;
COMMENT ON DOMAIN zip IS 'postal code';

-- tables/address/up.sql
ALTER TABLE address ALTER COLUMN code TYPE TEXT USING code::TEXT;
ALTER TABLE address ADD COLUMN country country DEFAULT 'DE' NOT NULL;

-- types/drop_up.sql
DROP DOMAIN old_code;

-- types/drop_down.sql
CREATE DOMAIN old_code AS TEXT;

-- tables/address/down.sql
ALTER TABLE address DROP COLUMN country;
ALTER TABLE address ALTER COLUMN code TYPE old_code USING code::old_code;

-- types/down.sql
COMMENT ON DOMAIN zip IS NULL;
ALTER DOMAIN zip SET NOT NULL;
ALTER DOMAIN zip DROP DEFAULT;
ALTER DOMAIN zip DROP CONSTRAINT zip_check;
ALTER DOMAIN zip DROP CONSTRAINT ck_zip_8ceff298;
ALTER DOMAIN zip ADD CONSTRAINT zip_check CHECK (VALUE ~ '^\d{5}$');
DROP DOMAIN country;
