-- hr.people is referenced from payroll; state B renames it to hr.employees
CREATE SCHEMA hr;
CREATE TABLE hr.people (id bigint PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA payroll;
CREATE TABLE payroll.payslips (
    id bigint PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES hr.people (id),
    amount numeric(10,2) NOT NULL
);
CREATE INDEX ON payroll.payslips (person_id);
