CREATE TABLE visits (id bigserial PRIMARY KEY, page text NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE MATERIALIZED VIEW page_hits AS
  SELECT page, date_trunc('day', at) AS day, count(*) AS hits FROM visits GROUP BY page, date_trunc('day', at);
CREATE UNIQUE INDEX page_hits_page_day ON page_hits (page, day);
CREATE INDEX page_hits_busy ON page_hits (hits) WHERE hits > 1000;
