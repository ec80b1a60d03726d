CREATE TABLE notes (id serial PRIMARY KEY, owner text NOT NULL DEFAULT current_user, body text NOT NULL);
CREATE TABLE public_notes (id serial PRIMARY KEY, body text NOT NULL);
