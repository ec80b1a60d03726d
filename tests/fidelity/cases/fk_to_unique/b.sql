CREATE TABLE users (
    id serial PRIMARY KEY,
    login varchar(64) NOT NULL,
    CONSTRAINT users_login_key UNIQUE (login)
);
CREATE TABLE sessions (
    id serial PRIMARY KEY,
    user_login varchar(64) NOT NULL REFERENCES users (login) ON UPDATE CASCADE ON DELETE CASCADE,
    started_at timestamptz NOT NULL DEFAULT now()
);
