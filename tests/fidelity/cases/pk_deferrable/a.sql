CREATE TABLE slots (position integer PRIMARY KEY, label text);
CREATE TABLE pairs (a integer, b integer, CONSTRAINT pairs_pkey PRIMARY KEY (a, b));
