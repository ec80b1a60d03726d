create table tickets (id serial primary key, status text not null default 'open', opened timestamptz not null default now());
create view open_tickets as select id, opened, status from tickets where status in ('open', 'reopened');
