/*
 * model_seq.c - sequence options of the model (model.h, "adopt2: sequence options"): their
 * PostgreSQL defaults, the canonical form (only the options that differ from a default are
 * kept, so a compiled model and an introspected one compare equal), and their SQL spelling.
 * Used by sema, introspection, the diff and the SQL emitter.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "strbuf.h"

TypeKind seq_storage(TypeKind k)
{
    switch (k) {
    case TY_SMALLSERIAL: return TY_SMALLINT;
    case TY_SERIAL: return TY_INTEGER;
    case TY_BIGSERIAL: return TY_BIGINT;
    case TY_SMALLINT:
    case TY_INTEGER: return k;
    default: return TY_BIGINT;
    }
}

static int64_t type_max(TypeKind k)
{
    return k == TY_SMALLINT ? 32767 : k == TY_INTEGER ? 2147483647 : INT64_MAX;
}

static int64_t type_min(TypeKind k)
{
    return k == TY_SMALLINT ? -32768 : k == TY_INTEGER ? -2147483647 - 1 : INT64_MIN;
}

void seqopts_full(const SeqOpts *o, TypeKind storage, SeqOpts *out)
{
    SeqOpts f = *o;
    if (!(f.set & SEQ_AS))
        f.as = seq_storage(storage);
    if (!(f.set & SEQ_INCREMENT))
        f.increment = 1;
    bool asc = f.increment > 0;
    if (!(f.set & SEQ_MIN))
        f.min = asc ? 1 : type_min(f.as);
    if (!(f.set & SEQ_MAX))
        f.max = asc ? type_max(f.as) : -1;
    if (!(f.set & SEQ_START))
        f.start = asc ? f.min : f.max;
    if (!(f.set & SEQ_CACHE))
        f.cache = 1;
    f.set = SEQ_AS | SEQ_START | SEQ_INCREMENT | SEQ_MIN | SEQ_MAX | SEQ_CACHE |
            (o->set & SEQ_CYCLE);
    *out = f;
}

void seqopts_canon(SeqOpts *o, TypeKind storage)
{
    SeqOpts f;
    seqopts_full(o, storage, &f);
    TypeKind st = seq_storage(storage);
    bool asc = f.increment > 0;
    unsigned set = f.set & SEQ_CYCLE;
    if (f.as != st)
        set |= SEQ_AS;
    if (f.increment != 1)
        set |= SEQ_INCREMENT;
    if (f.min != (asc ? 1 : type_min(f.as)))
        set |= SEQ_MIN;
    if (f.max != (asc ? type_max(f.as) : -1))
        set |= SEQ_MAX;
    if (f.start != (asc ? f.min : f.max))
        set |= SEQ_START;
    if (f.cache != 1)
        set |= SEQ_CACHE;
    *o = (SeqOpts){.set = set};
    if (set & SEQ_AS)
        o->as = f.as;
    if (set & SEQ_INCREMENT)
        o->increment = f.increment;
    if (set & SEQ_MIN)
        o->min = f.min;
    if (set & SEQ_MAX)
        o->max = f.max;
    if (set & SEQ_START)
        o->start = f.start;
    if (set & SEQ_CACHE)
        o->cache = f.cache;
}

bool seqopts_equal(const SeqOpts *a, const SeqOpts *b)
{
    if (a->set != b->set)
        return false;
    return (!(a->set & SEQ_AS) || a->as == b->as) &&
           (!(a->set & SEQ_START) || a->start == b->start) &&
           (!(a->set & SEQ_INCREMENT) || a->increment == b->increment) &&
           (!(a->set & SEQ_MIN) || a->min == b->min) &&
           (!(a->set & SEQ_MAX) || a->max == b->max) &&
           (!(a->set & SEQ_CACHE) || a->cache == b->cache);
}

void seqopts_sql(StrBuf *out, const SeqOpts *o, TypeKind storage, bool all)
{
    SeqOpts f = *o;
    if (all)
        seqopts_full(o, storage, &f);
    if (f.set & SEQ_AS)
        sb_addf(out, " AS %s", type_kind_name(f.as));
    if (f.set & SEQ_INCREMENT)
        sb_addf(out, " INCREMENT BY %lld", (long long)f.increment);
    if (f.set & SEQ_MIN)
        sb_addf(out, " MINVALUE %lld", (long long)f.min);
    if (f.set & SEQ_MAX)
        sb_addf(out, " MAXVALUE %lld", (long long)f.max);
    if (f.set & SEQ_START)
        sb_addf(out, " START WITH %lld", (long long)f.start);
    if (f.set & SEQ_CACHE)
        sb_addf(out, " CACHE %lld", (long long)f.cache);
    if (f.set & SEQ_CYCLE)
        sb_adds(out, " CYCLE");
    else if (all)
        sb_adds(out, " NO CYCLE");
}

static int cmp_seq(const void *a, const void *b)
{
    return strcmp(((const Sequence *)a)->name, ((const Sequence *)b)->name);
}

const Sequence *model_find_sequence(const Model *m, const char *name)
{
    Sequence key = {.name = name};
    return m->nsequences ? bsearch(&key, m->sequences, m->nsequences, sizeof key, cmp_seq) : NULL;
}

void model_sort_sequences(Model *m)
{
    if (m->nsequences)
        qsort(m->sequences, m->nsequences, sizeof(Sequence), cmp_seq);
}
