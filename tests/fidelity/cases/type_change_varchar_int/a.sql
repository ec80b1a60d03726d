CREATE TABLE parcels (id serial PRIMARY KEY, weight varchar(10) NOT NULL DEFAULT '0');
