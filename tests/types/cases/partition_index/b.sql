CREATE TABLE event (
    id bigint NOT NULL,
    created_at date NOT NULL,
    kind text NOT NULL
) PARTITION BY RANGE (created_at);
CREATE TABLE event_2024 PARTITION OF event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX event_kind_idx ON event (kind);
ALTER TABLE event ADD COLUMN payload jsonb;
