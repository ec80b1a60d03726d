CREATE TABLE seats (id serial PRIMARY KEY, row_no integer, seat_no integer, code text);
CREATE UNIQUE INDEX seats_code ON seats (code);
