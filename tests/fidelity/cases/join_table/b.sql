CREATE TABLE students (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE courses (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE enrollments (
    student_id integer NOT NULL REFERENCES students ON DELETE CASCADE,
    course_id integer NOT NULL REFERENCES courses ON DELETE CASCADE,
    enrolled_on date NOT NULL DEFAULT CURRENT_DATE,
    PRIMARY KEY (student_id, course_id)
);
CREATE INDEX enrollments_course ON enrollments (course_id);
