/*
 * cmd_json.h - `--json` for the commands that print text (stravc check, fmt, generate, rebase,
 * squash, dump; pull, drift and baseline of both programs): one JSON object on stdout,
 *   {"command", ..., "diagnostics": [...], "output": [...], "ok", "exitStatus"}
 * with the command's structured keys (cli_json_set), its diagnostics as objects
 * (cli_diag_flush) and the text lines it would have printed on stdout ("output"). Stderr is
 * left alone. Shapes: docs/cli.md. Used by the command modules (compiler/cmd_*.c,
 * runtime/adopt.c); calls nothing above the diagnostics (diag.h).
 */
#ifndef STRAV_CMD_JSON_H
#define STRAV_CMD_JSON_H

#include <jansson.h>

#include "base.h"
#include "diag.h"

/* Start JSON mode for command (stdout is captured from here on). */
void cli_json_begin(const char *command);
bool cli_json_on(void);
/* Set key of the result object (steals v). No-op outside JSON mode. */
void cli_json_set(const char *key, json_t *v);
/* Append v (stolen) to the array key of the result object, made on first use. */
void cli_json_push(const char *key, json_t *v);
/* JSON mode: the diagnostics go into "diagnostics" ({"severity", "message", "file", "line",
 * "column", "notes": [...]}); else they are printed on stderr (colour by cmd_color). The list
 * is cleared either way. */
void cli_diag_flush(Diag *d);
/* JSON mode: add "output", "ok" (rc == 0), "exitStatus", restore stdout and print the object.
 * Returns rc. Outside JSON mode returns rc. */
int cli_json_end(int rc);

#endif
