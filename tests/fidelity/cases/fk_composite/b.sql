CREATE TABLE regions (
    country char(2) NOT NULL,
    code varchar(8) NOT NULL,
    name text,
    PRIMARY KEY (country, code)
);
CREATE TABLE stores (
    id serial PRIMARY KEY,
    country char(2) NOT NULL,
    region varchar(8) NOT NULL,
    CONSTRAINT stores_region_fkey FOREIGN KEY (country, region) REFERENCES regions (country, code)
        ON DELETE CASCADE
);
