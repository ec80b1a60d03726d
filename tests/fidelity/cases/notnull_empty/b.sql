CREATE TABLE widgets (id serial PRIMARY KEY, label text, sku varchar(20) NOT NULL);
