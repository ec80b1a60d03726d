CREATE SCHEMA crm;
COMMENT ON SCHEMA crm IS 'customer relations';
CREATE TYPE crm.stage AS ENUM ('lead', 'won');
COMMENT ON TYPE crm.stage IS 'where a deal is';
CREATE SEQUENCE crm.deal_no;
COMMENT ON SEQUENCE crm.deal_no IS 'deal numbers';
CREATE TABLE crm.deals (id serial PRIMARY KEY, stage crm.stage NOT NULL);
