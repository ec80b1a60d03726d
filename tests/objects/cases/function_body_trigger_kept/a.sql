CREATE TABLE audit_log (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE invoices (id serial PRIMARY KEY, amount numeric(12,2) NOT NULL);
CREATE OR REPLACE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
begin
  insert into audit_log(tbl, op) values (TG_TABLE_NAME, TG_OP);
  return null;
end
$fn$;
CREATE TRIGGER invoices_audit AFTER INSERT OR UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE PROCEDURE log_change();
