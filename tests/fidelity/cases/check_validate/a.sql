CREATE TABLE orders (id integer PRIMARY KEY, qty integer);
CREATE TABLE lines (id integer PRIMARY KEY, order_id integer);
ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0) NOT VALID;
ALTER TABLE lines ADD CONSTRAINT lines_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
