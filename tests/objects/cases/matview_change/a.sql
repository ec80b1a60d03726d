CREATE TABLE visits (id bigserial PRIMARY KEY, page text NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE MATERIALIZED VIEW page_hits AS SELECT page, count(*) AS hits FROM visits GROUP BY page;
CREATE UNIQUE INDEX page_hits_page ON page_hits (page);
