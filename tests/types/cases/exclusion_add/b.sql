CREATE TABLE reservation (
    id serial PRIMARY KEY,
    room text NOT NULL,
    during tstzrange NOT NULL,
    EXCLUDE USING gist (during WITH &&)
);
