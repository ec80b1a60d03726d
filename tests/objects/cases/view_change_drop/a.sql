create table tickets (id serial primary key, status text not null default 'open', opened timestamptz not null default now());
create view open_tickets as select id, opened from tickets where status = 'open';
create view old_tickets as select id from tickets where opened < now() - interval '30 days';
