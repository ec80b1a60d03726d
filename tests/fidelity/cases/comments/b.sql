CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, CONSTRAINT notes_body_check CHECK (body <> ''));
CREATE INDEX notes_body_idx ON notes (body);
COMMENT ON TABLE notes IS 'Free-form notes';
COMMENT ON COLUMN notes.body IS 'the text';
COMMENT ON INDEX notes_body_idx IS 'search by body';
COMMENT ON CONSTRAINT notes_body_check ON notes IS 'no empty notes';
