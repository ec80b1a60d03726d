CREATE TABLE invoices (id serial PRIMARY KEY, total numeric(10,2));
