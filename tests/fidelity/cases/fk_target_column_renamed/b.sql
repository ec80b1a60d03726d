CREATE TABLE plans (id integer PRIMARY KEY, slug text NOT NULL, CONSTRAINT plans_code_key UNIQUE (slug));
CREATE TABLE subscriptions (id integer PRIMARY KEY, plan_code text NOT NULL,
    CONSTRAINT subscriptions_plan_code_fkey FOREIGN KEY (plan_code) REFERENCES plans (slug));
