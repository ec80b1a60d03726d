/*
 * lsp.c - the LSP server loop (lsp.h): lifecycle (initialize, initialized, shutdown, exit),
 * document sync (didOpen, didChange with full text or ranges, didClose), diagnostics pushed
 * after every change from the compiler's own Diag, and dispatch of the requests answered by
 * lsp_features.c (formatting, definition, hover, completion, documentSymbol). All JSON goes through jansson and every field is type-checked: any input,
 * however malformed, gets an error response or is ignored, never a crash.
 */
#include "lsp.h"

#include <stdlib.h>
#include <string.h>

#include "lsp_features.h"
#include "lsp_project.h"
#include "lsp_rpc.h"
#include "lsp_text.h"
#include "strbuf.h"

enum {
    ERR_PARSE = -32700,
    ERR_INVALID_REQUEST = -32600,
    ERR_METHOD_NOT_FOUND = -32601,
    ERR_INVALID_PARAMS = -32602,
    ERR_NOT_INITIALIZED = -32002,
};

typedef struct Server {
    FILE *out;
    bool initialized, shutdown;
    LspBuffer *docs;
    size_t ndocs, cap;
    LspProject proj;
    bool have_proj;
    char **flagged; /* paths of closed files that were last sent non-empty diagnostics */
    size_t nflagged;
} Server;

/* ---- JSON helpers: NULL when absent or of another type ---- */

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *jobj(const json_t *o, const char *key)
{
    json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_object(v) ? v : NULL;
}

static void send(Server *s, json_t *msg)
{
    rpc_write(s->out, msg);
    json_decref(msg);
}

static void respond(Server *s, json_t *id, json_t *result)
{
    json_t *m = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result",
                          result ? result : json_null());
    send(s, m);
}

static void respond_error(Server *s, json_t *id, int code, const char *msg)
{
    json_t *m = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
                          id ? id : json_null(), "error", "code", code, "message", msg);
    send(s, m);
}

static void notify(Server *s, const char *method, json_t *params)
{
    send(s, json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params", params));
}

/* ---- documents ---- */

static const char *uri_param(const json_t *params)
{
    const char *uri = jstr(jobj(params, "textDocument"), "uri");
    return uri ? uri : "";
}

static LspBuffer *doc_find(Server *s, const char *uri)
{
    for (size_t i = 0; i < s->ndocs; i++)
        if (!strcmp(s->docs[i].uri, uri))
            return &s->docs[i];
    return NULL;
}

static void doc_set_text(LspBuffer *b, const char *text, size_t len)
{
    free(b->text);
    b->text = xmalloc(len + 1);
    memcpy(b->text, text, len);
    b->text[len] = '\0';
    b->len = len;
}

static void doc_close(Server *s, LspBuffer *b)
{
    free(b->uri);
    free(b->path);
    free(b->text);
    *b = s->docs[--s->ndocs];
}

static void drop_project(Server *s)
{
    if (s->have_proj)
        lspp_release(&s->proj);
    s->have_proj = false;
}

/* The analysis of b's domain, loading it when the cache holds another one or none. */
static LspProject *project_for(Server *s, const LspBuffer *b)
{
    if (s->have_proj) {
        char *dir = lspp_dir_of(b->path);
        bool same = !strcmp(dir, s->proj.domain_dir);
        free(dir);
        if (same)
            return &s->proj;
        drop_project(s);
    }
    lspp_load(&s->proj, b->path, s->docs, s->ndocs);
    s->have_proj = true;
    return &s->proj;
}

/* ---- diagnostics ---- */

/* A diagnostic without its message (publish sets it, notes included). */
static json_t *diag_json(const DiagView *v, const LspUnit *u)
{
    json_t *range = v->located ? lsp_range_json(u->src->buf, u->src->len, v->span.off,
                                                (size_t)v->span.off + v->span.len)
                               : lsp_range_json(u->src->buf, u->src->len, 0, 0);
    return json_pack("{s:o, s:i, s:s}", "range", range, "severity",
                     v->level == DIAG_ERROR ? 1 : 2, "source", "stravc");
}

/* Send publishDiagnostics for every open document of the analysed domain, and for closed
 * files of it that have diagnostics now or had some in the previous round. */
static void publish(Server *s, LspProject *p, const LspBuffer *trigger)
{
    const Diag *d = &p->diag;
    size_t nd = diag_size(d);
    char **flagged = NULL;
    size_t nflagged = 0;
    for (size_t i = 0; i < p->nunits; i++) {
        const LspUnit *u = &p->units[i];
        json_t *arr = json_array();
        for (size_t k = 0; k < nd; k++) {
            DiagView v = diag_view(d, k);
            bool mine = v.located ? v.span.src == u->src
                                  : trigger && !strcmp(trigger->path, u->src->path);
            if (v.level == DIAG_NOTE || !mine)
                continue;
            json_t *one = diag_json(&v, u);
            /* notes of this diagnostic: appended to its message and as related locations */
            StrBuf msg = SB_INIT;
            sb_adds(&msg, v.msg);
            json_t *related = json_array();
            for (size_t j = k + 1; j < nd; j++) {
                DiagView n = diag_view(d, j);
                if (n.level != DIAG_NOTE || n.parent != k)
                    continue;
                sb_addf(&msg, "\nnote: %s", n.msg);
                if (n.located) {
                    json_t *loc = json_pack(
                        "{s:o, s:o}", "uri", lsp_uri_json(n.span.src->path, s->docs, s->ndocs),
                        "range",
                        lsp_range_json(n.span.src->buf, n.span.src->len, n.span.off,
                                       (size_t)n.span.off + n.span.len));
                    json_array_append_new(related,
                                          json_pack("{s:o, s:o}", "location", loc, "message",
                                                    lsp_json_text(n.msg, strlen(n.msg))));
                }
            }
            json_object_set_new(one, "message", lsp_json_text(sb_str(&msg), msg.len));
            if (json_array_size(related))
                json_object_set_new(one, "relatedInformation", related);
            else
                json_decref(related);
            sb_release(&msg);
            json_array_append_new(arr, one);
        }
        bool was = false;
        for (size_t j = 0; j < s->nflagged; j++)
            was |= !strcmp(s->flagged[j], u->src->path);
        if (u->open || json_array_size(arr) || was) {
            if (!u->open && json_array_size(arr)) {
                flagged = xrealloc(flagged, (nflagged + 1) * sizeof(*flagged));
                flagged[nflagged++] = xstrdup(u->src->path);
            }
            notify(s, "textDocument/publishDiagnostics",
                   json_pack("{s:o, s:o}", "uri", lsp_uri_json(u->src->path, s->docs, s->ndocs),
                             "diagnostics", arr));
        } else {
            json_decref(arr);
        }
    }
    /* closed files flagged before in another domain stay flagged */
    for (size_t j = 0; j < s->nflagged; j++) {
        bool here = lspp_unit(p, s->flagged[j]) != NULL;
        if (here) {
            free(s->flagged[j]);
        } else {
            flagged = xrealloc(flagged, (nflagged + 1) * sizeof(*flagged));
            flagged[nflagged++] = s->flagged[j];
        }
    }
    free(s->flagged);
    s->flagged = flagged;
    s->nflagged = nflagged;
}

static void changed(Server *s, const LspBuffer *b)
{
    drop_project(s);
    publish(s, project_for(s, b), b);
}

/* ---- handlers ---- */

static json_t *capabilities(void)
{
    return json_pack("{s:{s:b, s:i}, s:b, s:b, s:b, s:b, s:{s:[s, s, s, s, s]}}",
                     "textDocumentSync", "openClose", 1, "change", 1,
                     "documentFormattingProvider", 1, "definitionProvider", 1, "hoverProvider", 1,
                     "documentSymbolProvider", 1, "completionProvider", "triggerCharacters", "@",
                     "(", ".", " ", ",");
}

static void did_open(Server *s, const json_t *params)
{
    const json_t *td = jobj(params, "textDocument");
    const char *uri = jstr(td, "uri");
    const json_t *tv = td ? json_object_get(td, "text") : NULL;
    if (!uri || !json_is_string(tv))
        return;
    LspBuffer *b = doc_find(s, uri);
    if (!b) {
        if (s->ndocs == s->cap)
            s->docs = xrealloc(s->docs, (s->cap = s->cap ? s->cap * 2 : 8) * sizeof(*s->docs));
        b = &s->docs[s->ndocs++];
        memset(b, 0, sizeof(*b));
        b->uri = xstrdup(uri);
        b->path = lsp_uri_to_path(uri);
        if (!b->path)
            b->path = xstrdup(uri);
    }
    doc_set_text(b, json_string_value(tv), json_string_length(tv));
    changed(s, b);
}

static void did_change(Server *s, const json_t *params)
{
    LspBuffer *b = doc_find(s, uri_param(params));
    const json_t *changes = json_is_object(params) ? json_object_get(params, "contentChanges")
                                                   : NULL;
    if (!b || !json_is_array(changes))
        return;
    size_t i;
    const json_t *c;
    json_array_foreach(changes, i, c)
    {
        const json_t *tv = json_is_object(c) ? json_object_get(c, "text") : NULL;
        if (!json_is_string(tv))
            continue;
        const json_t *range = jobj(c, "range");
        const char *text = json_string_value(tv);
        size_t tl = json_string_length(tv);
        if (!range) {
            doc_set_text(b, text, tl);
            continue;
        }
        size_t off[2];
        const char *keys[2] = { "start", "end" };
        bool okr = true;
        for (int k = 0; k < 2; k++) {
            const json_t *pj = jobj(range, keys[k]);
            const json_t *l = pj ? json_object_get(pj, "line") : NULL;
            const json_t *ch = pj ? json_object_get(pj, "character") : NULL;
            if (!json_is_integer(l) || !json_is_integer(ch) || json_integer_value(l) < 0 ||
                json_integer_value(ch) < 0 || json_integer_value(l) > UINT32_MAX ||
                json_integer_value(ch) > UINT32_MAX) {
                okr = false;
                break;
            }
            LspPos pos = { (uint32_t)json_integer_value(l), (uint32_t)json_integer_value(ch) };
            off[k] = lsp_off_of(b->text, b->len, pos);
        }
        if (!okr || off[1] < off[0])
            continue;
        StrBuf sb = SB_INIT;
        sb_add(&sb, b->text, off[0]);
        sb_add(&sb, text, tl);
        sb_add(&sb, b->text + off[1], b->len - off[1]);
        doc_set_text(b, sb_str(&sb), sb.len);
        sb_release(&sb);
    }
    changed(s, b);
}

static void did_close(Server *s, const json_t *params)
{
    const char *uri = jstr(jobj(params, "textDocument"), "uri");
    LspBuffer *b = uri ? doc_find(s, uri) : NULL;
    if (!b)
        return;
    notify(s, "textDocument/publishDiagnostics",
           json_pack("{s:s, s:[]}", "uri", uri, "diagnostics"));
    doc_close(s, b);
    drop_project(s);
}

/* The document and byte offset a textDocument/position request is about. */
static LspBuffer *position_of(Server *s, const json_t *params, size_t *off)
{
    LspBuffer *b = doc_find(s, uri_param(params));
    const json_t *pj = jobj(params, "position");
    const json_t *l = pj ? json_object_get(pj, "line") : NULL;
    const json_t *ch = pj ? json_object_get(pj, "character") : NULL;
    if (!b || !json_is_integer(l) || !json_is_integer(ch) || json_integer_value(l) < 0 ||
        json_integer_value(ch) < 0 || json_integer_value(l) > UINT32_MAX ||
        json_integer_value(ch) > UINT32_MAX)
        return NULL;
    LspPos pos = { (uint32_t)json_integer_value(l), (uint32_t)json_integer_value(ch) };
    *off = lsp_off_of(b->text, b->len, pos);
    return b;
}

static void request(Server *s, const char *method, json_t *id, const json_t *params)
{
    if (!strcmp(method, "initialize")) {
        s->initialized = true;
        respond(s, id,
                json_pack("{s:o, s:{s:s, s:s}}", "capabilities", capabilities(), "serverInfo",
                          "name", "stravc", "version", "0.1"));
        return;
    }
    if (!s->initialized) {
        respond_error(s, id, ERR_NOT_INITIALIZED, "initialize first");
        return;
    }
    if (s->shutdown) {
        respond_error(s, id, ERR_INVALID_REQUEST, "the server is shutting down");
        return;
    }
    if (!strcmp(method, "shutdown")) {
        s->shutdown = true;
        respond(s, id, NULL);
        return;
    }
    bool fmt = !strcmp(method, "textDocument/formatting");
    bool def = !strcmp(method, "textDocument/definition");
    bool hov = !strcmp(method, "textDocument/hover");
    bool comp = !strcmp(method, "textDocument/completion");
    bool sym = !strcmp(method, "textDocument/documentSymbol");
    if (!fmt && !def && !hov && !comp && !sym) {
        respond_error(s, id, ERR_METHOD_NOT_FOUND, "method not supported");
        return;
    }
    if (fmt) {
        LspBuffer *b = doc_find(s, uri_param(params));
        if (!b)
            respond_error(s, id, ERR_INVALID_PARAMS, "unknown document");
        else
            respond(s, id, lspf_formatting(b));
        return;
    }
    if (sym) {
        LspBuffer *b = doc_find(s, uri_param(params));
        const LspUnit *u = b ? lspp_unit(project_for(s, b), b->path) : NULL;
        if (!u)
            respond_error(s, id, ERR_INVALID_PARAMS, "unknown document");
        else
            respond(s, id, lspf_symbols(u));
        return;
    }
    size_t off = 0;
    LspBuffer *b = position_of(s, params, &off);
    if (!b) {
        respond_error(s, id, ERR_INVALID_PARAMS, "unknown document or bad position");
        return;
    }
    LspProject *p = project_for(s, b);
    const LspUnit *u = lspp_unit(p, b->path);
    if (!u) {
        respond(s, id, NULL);
        return;
    }
    json_t *r = def ? lspf_definition(p, u, off, s->docs, s->ndocs)
                : hov ? lspf_hover(p, u, off)
                      : lspf_completion(p, u, off);
    respond(s, id, r);
}

static void notification(Server *s, const char *method, const json_t *params)
{
    if (!s->initialized || s->shutdown)
        return;
    if (!strcmp(method, "textDocument/didOpen"))
        did_open(s, params);
    else if (!strcmp(method, "textDocument/didChange"))
        did_change(s, params);
    else if (!strcmp(method, "textDocument/didClose"))
        did_close(s, params);
    /* initialized, didSave, $/cancelRequest, ...: nothing to do */
}

int lsp_serve(FILE *in, FILE *out)
{
    Server s;
    memset(&s, 0, sizeof(s));
    s.out = out;
    int rc = 1;
    for (;;) {
        json_t *msg;
        RpcStatus st = rpc_read(in, &msg);
        if (st == RPC_EOF)
            break;
        if (st == RPC_BAD_FRAME) {
            if (feof(in) || ferror(in))
                break;
            continue;
        }
        if (st == RPC_BAD_JSON) {
            respond_error(&s, NULL, ERR_PARSE, "the message is not JSON");
            continue;
        }
        const char *method = jstr(msg, "method");
        json_t *id = json_is_object(msg) ? json_object_get(msg, "id") : NULL;
        bool id_ok = json_is_string(id) || json_is_integer(id);
        const json_t *params = json_is_object(msg) ? json_object_get(msg, "params") : NULL;
        if (method && !strcmp(method, "exit")) {
            json_decref(msg);
            rc = s.shutdown ? 0 : 1;
            break;
        }
        if (!method) {
            if (!id_ok) /* a response to us (we send no requests) or garbage */
                respond_error(&s, NULL, ERR_INVALID_REQUEST, "not a request");
        } else if (id && !id_ok) {
            respond_error(&s, NULL, ERR_INVALID_REQUEST, "bad id");
        } else if (id) {
            request(&s, method, id, params);
        } else {
            notification(&s, method, params);
        }
        json_decref(msg);
    }
    drop_project(&s);
    while (s.ndocs)
        doc_close(&s, &s.docs[0]);
    free(s.docs);
    for (size_t i = 0; i < s.nflagged; i++)
        free(s.flagged[i]);
    free(s.flagged);
    return rc;
}
