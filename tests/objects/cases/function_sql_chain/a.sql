CREATE TABLE rates (code char(3) PRIMARY KEY, rate numeric(8,4) NOT NULL);
CREATE FUNCTION rate_of(c char(3)) RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT rate FROM rates WHERE code = c
$$;
CREATE VIEW eur_rates AS SELECT code, rate_of(code) * 1.1 AS with_fee FROM rates;
