CREATE TABLE plans (id integer PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE subscriptions (id integer PRIMARY KEY, plan_code text NOT NULL REFERENCES plans (code));
