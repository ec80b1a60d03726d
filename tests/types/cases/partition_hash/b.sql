CREATE TABLE session (id uuid PRIMARY KEY, data jsonb);
CREATE TABLE session_event (
    session_id uuid NOT NULL,
    at timestamptz NOT NULL,
    kind text,
    PRIMARY KEY (session_id, at)
) PARTITION BY HASH (session_id);
CREATE TABLE session_event_0 PARTITION OF session_event FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE session_event_1 PARTITION OF session_event FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE session_event_2 PARTITION OF session_event FOR VALUES WITH (MODULUS 3, REMAINDER 2);
