CREATE TABLE invoices (id integer PRIMARY KEY);
CREATE TABLE invoice_lines (
    id integer PRIMARY KEY,
    invoice_id integer NOT NULL,
    CONSTRAINT invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id)
        ON DELETE CASCADE
);
