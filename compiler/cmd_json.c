/*
 * cmd_json.c - the `--json` result object of the text commands (cmd_json.h): a result object,
 * diagnostics as JSON, and the command's stdout captured in a temporary file so that only the
 * object reaches the real stdout. One object per process (a command runs once).
 */
#include "cmd_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "strbuf.h"

static json_t *root;
static FILE *captured; /* where fd 1 points while the command runs */
static int saved_stdout = -1;

void cli_json_begin(const char *command)
{
    if (root)
        return;
    root = json_object();
    json_object_set_new(root, "command", json_string(command));
    json_object_set_new(root, "diagnostics", json_array());
    fflush(stdout);
    captured = tmpfile();
    saved_stdout = captured ? dup(1) : -1;
    if (saved_stdout >= 0 && dup2(fileno(captured), 1) < 0) {
        close(saved_stdout);
        saved_stdout = -1;
    }
}

bool cli_json_on(void)
{
    return root != NULL;
}

void cli_json_set(const char *key, json_t *v)
{
    if (root)
        json_object_set_new(root, key, v);
    else
        json_decref(v);
}

void cli_json_push(const char *key, json_t *v)
{
    if (!root) {
        json_decref(v);
        return;
    }
    json_t *a = json_object_get(root, key);
    if (!json_is_array(a)) {
        a = json_array();
        json_object_set_new(root, key, a);
    }
    json_array_append_new(a, v);
}

static const char *level_word(DiagLevel l)
{
    return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

static json_t *diag_json(const DiagView *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "severity", json_string(level_word(v->level)));
    json_object_set_new(o, "message", json_string(v->msg));
    if (v->located && v->span.src) {
        uint32_t line, col;
        source_line_col(v->span.src, v->span.off, &line, &col);
        json_object_set_new(o, "file", json_string(v->span.src->path));
        json_object_set_new(o, "line", json_integer(line));
        json_object_set_new(o, "column", json_integer(col));
        json_object_set_new(o, "length", json_integer(v->span.len));
    }
    return o;
}

void cli_diag_flush(Diag *d)
{
    if (!root) {
        diag_flush(d, stderr, cmd_color(isatty(STDERR_FILENO)));
        return;
    }
    json_t *arr = json_object_get(root, "diagnostics");
    size_t n = diag_size(d);
    json_t **made = xcalloc(n + 1, sizeof *made);
    for (size_t i = 0; i < n; i++) {
        DiagView v = diag_view(d, i);
        if (v.level == DIAG_NOTE && v.parent < i && made[v.parent]) {
            json_t *notes = json_object_get(made[v.parent], "notes");
            if (!notes) {
                notes = json_array();
                json_object_set_new(made[v.parent], "notes", notes);
            }
            json_array_append_new(notes, diag_json(&v));
            continue;
        }
        made[i] = diag_json(&v);
        json_array_append_new(arr, made[i]);
    }
    if (d->capped) {
        json_t *o = json_object();
        json_object_set_new(o, "severity", json_string("error"));
        json_object_set_new(o, "message", json_string("too many errors, stopping"));
        json_array_append_new(arr, o);
    }
    free(made);
    diag_release(d);
}

int cli_json_end(int rc)
{
    if (!root)
        return rc;
    fflush(stdout);
    json_t *lines = json_array();
    if (captured) {
        rewind(captured);
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, captured)) > 0) {
            if (line[len - 1] == '\n')
                line[len - 1] = '\0';
            json_array_append_new(lines, json_string(line));
        }
        free(line);
    }
    if (saved_stdout >= 0) {
        dup2(saved_stdout, 1);
        close(saved_stdout);
        saved_stdout = -1;
    }
    if (captured)
        fclose(captured);
    captured = NULL;
    json_object_set_new(root, "output", lines);
    json_object_set_new(root, "ok", json_boolean(rc == 0));
    json_object_set_new(root, "exitStatus", json_integer(rc));
    char *s = json_dumps(root, JSON_INDENT(2));
    if (s)
        printf("%s\n", s);
    fflush(stdout);
    free(s);
    json_decref(root);
    root = NULL;
    return rc;
}
