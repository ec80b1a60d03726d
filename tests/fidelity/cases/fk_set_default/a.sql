CREATE TABLE groups (id integer PRIMARY KEY);
INSERT INTO groups VALUES (0);
CREATE TABLE members (id integer PRIMARY KEY, group_id integer NOT NULL DEFAULT 0);
