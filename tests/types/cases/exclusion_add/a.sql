CREATE TABLE reservation (
    id serial PRIMARY KEY,
    room text NOT NULL,
    during tstzrange NOT NULL
);
INSERT INTO reservation (room, during) VALUES ('a', '[2025-01-01 10:00+00, 2025-01-01 11:00+00)');
