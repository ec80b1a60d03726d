CREATE SEQUENCE ticket_no AS integer START 100 INCREMENT 2 MAXVALUE 1000000 CACHE 5;
CREATE SEQUENCE batch_no START 1 MINVALUE -100 MAXVALUE 100 CYCLE;
CREATE TABLE tickets (id bigserial PRIMARY KEY, no bigint NOT NULL DEFAULT nextval('ticket_no'), batch integer DEFAULT nextval('batch_no'));
