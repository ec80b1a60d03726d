CREATE TABLE floor (id integer PRIMARY KEY);
CREATE TABLE desk_booking (
    floor_id integer NOT NULL REFERENCES floor (id),
    starts_at timestamp NOT NULL,
    ends_at timestamp NOT NULL,
    cancelled boolean NOT NULL DEFAULT false,
    area box NOT NULL,
    badge text NOT NULL,
    CONSTRAINT desk_booking_no_overlap EXCLUDE USING gist (tsrange(starts_at, ends_at) WITH &&)
        WHERE (NOT cancelled),
    CONSTRAINT desk_booking_area_excl EXCLUDE USING gist (area WITH &&) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT desk_booking_badge_excl EXCLUDE USING btree (badge WITH =)
);
COMMENT ON CONSTRAINT desk_booking_no_overlap ON desk_booking IS 'one booking at a time';
