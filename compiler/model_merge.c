/*
 * model_merge.c - three-way merge of model JSON (model_merge.h).
 */
#include "model_merge.h"

#include <string.h>

#include "strbuf.h"

static bool named_array(json_t *a)
{
    if (!json_is_array(a))
        return false;
    size_t i;
    json_t *e;
    json_array_foreach (a, i, e)
        if (!json_is_object(e) || !json_is_string(json_object_get(e, "name")))
            return false;
    return true;
}

static json_t *by_name(json_t *a, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach (a, i, e)
        if (!strcmp(json_string_value(json_object_get(e, "name")), name))
            return e;
    return NULL;
}

static bool same(json_t *x, json_t *y)
{
    return (!x && !y) || (x && y && json_equal(x, y));
}

/* 0: *out is the merged value (NULL: absent on the merged side); -1: conflicts recorded. */
static int merge(json_t *base, json_t *ours, json_t *theirs, const char *path, StrBuf *conf,
                 json_t **out);

static int merge_objects(json_t *base, json_t *ours, json_t *theirs, const char *path,
                         StrBuf *conf, json_t **out)
{
    json_t *res = json_object();
    int rc = 0;
    const char *k;
    json_t *v;
    StrBuf sub = SB_INIT;
    for (int side = 0; side < 2; side++) {
        json_t *from = side ? theirs : ours;
        json_object_foreach (from, k, v) {
            if (side && json_object_get(ours, k))
                continue; /* done with ours */
            sb_reset(&sub);
            sb_addf(&sub, "%s%s%s", path, *path ? "/" : "", k);
            json_t *m = NULL;
            if (merge(json_object_get(base, k), json_object_get(ours, k),
                      json_object_get(theirs, k), sub.buf, conf, &m) != 0)
                rc = -1;
            else if (m)
                json_object_set_new(res, k, m);
        }
    }
    sb_release(&sub);
    if (rc != 0) {
        json_decref(res);
        return -1;
    }
    *out = res;
    return 0;
}

static int merge_named(json_t *base, json_t *ours, json_t *theirs, const char *path,
                       StrBuf *conf, json_t **out)
{
    json_t *res = json_array();
    int rc = 0;
    size_t i;
    json_t *e;
    StrBuf sub = SB_INIT;
    for (int side = 0; side < 2; side++) {
        json_t *from = side ? theirs : ours;
        json_array_foreach (from, i, e) {
            const char *name = json_string_value(json_object_get(e, "name"));
            if (side && by_name(ours, name))
                continue;
            sb_reset(&sub);
            sb_addf(&sub, "%s/%s", path, name);
            json_t *m = NULL;
            if (merge(base ? by_name(base, name) : NULL, by_name(ours, name),
                      by_name(theirs, name), sub.buf, conf, &m) != 0)
                rc = -1;
            else if (m)
                json_array_append_new(res, m);
        }
    }
    sb_release(&sub);
    if (rc != 0) {
        json_decref(res);
        return -1;
    }
    *out = res;
    return 0;
}

static int merge(json_t *base, json_t *ours, json_t *theirs, const char *path, StrBuf *conf,
                 json_t **out)
{
    *out = NULL;
    if (same(ours, theirs) || same(base, theirs)) {
        *out = ours ? json_deep_copy(ours) : NULL;
        return 0;
    }
    if (same(base, ours)) {
        *out = theirs ? json_deep_copy(theirs) : NULL;
        return 0;
    }
    /* both sides changed it, differently */
    if (base && json_is_object(base) && json_is_object(ours) && json_is_object(theirs))
        return merge_objects(base, ours, theirs, path, conf, out);
    if ((!base || named_array(base)) && named_array(ours) && named_array(theirs) &&
        (base || !*path || !strchr(path, '/')))
        return merge_named(base, ours, theirs, path, conf, out);
    if (!ours || !theirs)
        sb_addf(conf, "%s: one side removed it, the other changed it\n", path);
    else if (!base)
        sb_addf(conf, "%s: both sides added it, differently\n", path);
    else
        sb_addf(conf, "%s: both sides changed it, differently\n", path);
    return -1;
}

json_t *model_merge3(json_t *base, json_t *ours, json_t *theirs, StrBuf *conflicts)
{
    json_t *out = NULL;
    if (merge(base, ours, theirs, "", conflicts, &out) != 0)
        return NULL;
    return out ? out : json_object();
}
