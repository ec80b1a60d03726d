CREATE TABLE readings (id integer PRIMARY KEY, value numeric, CONSTRAINT readings_id_check CHECK (id > 0) NO INHERIT);
ALTER TABLE readings ADD CONSTRAINT readings_value_check CHECK (value >= 0) NOT VALID;
CREATE TABLE fresh (n integer, CONSTRAINT fresh_n_check CHECK (n <> 0) NO INHERIT);
ALTER TABLE fresh ADD CONSTRAINT fresh_n_pos CHECK (n > 0) NOT VALID;
