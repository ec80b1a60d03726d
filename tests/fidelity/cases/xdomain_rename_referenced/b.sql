CREATE SCHEMA hr;
CREATE TABLE hr.employees (id bigint PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA payroll;
CREATE TABLE payroll.payslips (
    id bigint PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES hr.employees (id),
    amount numeric(10,2) NOT NULL
);
CREATE INDEX ON payroll.payslips (person_id);
