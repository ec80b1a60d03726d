CREATE TABLE departments (id integer PRIMARY KEY, name text, head_id integer);
CREATE TABLE staff (id integer PRIMARY KEY, dept_id integer REFERENCES departments (id));
ALTER TABLE departments ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_id) REFERENCES staff (id);
