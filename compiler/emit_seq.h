/*
 * emit_seq.h - SQL for sequences (adopt2): a column's identity/serial sequence options, serial
 * <-> integer changes that keep or remove the sequence, standalone sequences, COMMENT ON SCHEMA.
 * Pure text, like emit_sql.h; called by the diff. Stage: model objects -> SQL text.
 */
#ifndef STRAV_EMIT_SEQ_H
#define STRAV_EMIT_SEQ_H

#include "model.h"

struct StrBuf;

/* ALTER SEQUENCE of table.col's own sequence (found by pg_get_serial_sequence) to every option
 * of o (defaults spelled out), in a DO block. */
void emit_column_seq_alter(struct StrBuf *out, const char *table, const Column *col,
                           const SeqOpts *o);
/* integer -> serial: CREATE SEQUENCE <t>_<c>_seq OWNED BY t.c, its options, the default, and
 * the sequence moved past the rows already there. */
void emit_serial_attach(struct StrBuf *out, const char *table, const Column *col);
/* serial -> integer: drop the nextval default and the owned sequence. */
void emit_serial_detach(struct StrBuf *out, const char *table, const Column *col);
/* After ADD GENERATED ... AS IDENTITY on a column holding rows: continue after max(col). */
void emit_seq_past_rows(struct StrBuf *out, const char *table, const char *col);
void emit_create_sequence(struct StrBuf *out, const Sequence *s);
void emit_alter_sequence(struct StrBuf *out, const Sequence *s);
void emit_drop_sequence(struct StrBuf *out, const char *name);
/* COMMENT ON SEQUENCE / SCHEMA name IS 'text' | NULL */
void emit_named_comment(struct StrBuf *out, const char *kind, const char *name, const char *text);

#endif
