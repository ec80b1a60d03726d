CREATE TABLE invoices (id serial PRIMARY KEY, total numeric(10,2));
ALTER SEQUENCE invoices_id_seq START WITH 5000 INCREMENT BY 5 CACHE 10;
CREATE TABLE counters (n bigserial, label text);
ALTER SEQUENCE counters_n_seq MAXVALUE 99999 CYCLE;
