-- tables: 0 to create, 0 to drop, 1 to modify; enums: 0 to create, 0 to modify, 0 to drop
--   drop primary key pk_slot
--   add primary key pk_slot
--   validate check ck_slot_f186ca47
--   add check ck_slot_4655559b

-- constraints/drop_up.sql
ALTER TABLE slot DROP CONSTRAINT pk_slot;

-- constraints/up.sql
ALTER TABLE slot ADD CONSTRAINT pk_slot PRIMARY KEY ("position") DEFERRABLE;
COMMENT ON CONSTRAINT pk_slot ON slot IS 'positions';
ALTER TABLE slot VALIDATE CONSTRAINT ck_slot_f186ca47;
ALTER TABLE slot ADD CONSTRAINT ck_slot_4655559b CHECK (position > 0) NO INHERIT NOT VALID;

-- constraints/down.sql
ALTER TABLE slot DROP CONSTRAINT ck_slot_4655559b;
ALTER TABLE slot DROP CONSTRAINT ck_slot_f186ca47;
ALTER TABLE slot ADD CONSTRAINT ck_slot_f186ca47 CHECK (value >= 0) NOT VALID;
ALTER TABLE slot DROP CONSTRAINT pk_slot;

-- constraints/drop_down.sql
ALTER TABLE slot ADD CONSTRAINT pk_slot PRIMARY KEY ("position");
