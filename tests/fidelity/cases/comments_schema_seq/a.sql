CREATE SCHEMA crm;
CREATE TYPE crm.stage AS ENUM ('lead', 'won');
CREATE SEQUENCE crm.deal_no;
CREATE TABLE crm.deals (id serial PRIMARY KEY, stage crm.stage NOT NULL);
