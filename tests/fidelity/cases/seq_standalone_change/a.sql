CREATE SEQUENCE ticket_no START 100;
CREATE SEQUENCE old_counter;
CREATE TABLE tickets (id bigserial PRIMARY KEY, no bigint NOT NULL DEFAULT nextval('ticket_no'));
