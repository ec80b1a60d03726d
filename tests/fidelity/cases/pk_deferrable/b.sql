CREATE TABLE slots (position integer PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, label text);
CREATE TABLE pairs (a integer, b integer, CONSTRAINT pairs_pkey PRIMARY KEY (a, b) DEFERRABLE);
CREATE TABLE queue (n integer PRIMARY KEY DEFERRABLE);
