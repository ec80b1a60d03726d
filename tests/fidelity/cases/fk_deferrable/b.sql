CREATE TABLE parents (id integer PRIMARY KEY);
CREATE TABLE children (
    id integer PRIMARY KEY,
    parent_id integer,
    other_id integer,
    CONSTRAINT children_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id) DEFERRABLE,
    CONSTRAINT children_other_fk FOREIGN KEY (other_id) REFERENCES parents (id) MATCH FULL
);
