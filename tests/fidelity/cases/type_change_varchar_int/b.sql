CREATE TABLE parcels (id serial PRIMARY KEY, weight integer NOT NULL DEFAULT 0);
