CREATE TABLE seats (id serial PRIMARY KEY, row_no integer, seat_no integer, code text,
    CONSTRAINT seats_row_seat_key UNIQUE NULLS NOT DISTINCT (row_no, seat_no));
CREATE UNIQUE INDEX seats_code ON seats (code) NULLS NOT DISTINCT;
