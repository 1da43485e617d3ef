/*
 * coref.c - who a mention refers to: surnames, pronouns, titled mentions.
 *
 * See coref.h. Built per document in O(tokens), each index on its first
 * use (most documents ask for neither): one pass collects capitalised name
 * runs (titles stripped) into a hash keyed by their last word (for
 * td_coref_full_name; the pass goes only as far as the questions need),
 * and the person entities' mentions sorted by offset (for
 * td_coref_resolve_pronoun). Every query is bounded: at most
 * TD_COREF_PERSONS persons are kept, most recent first.
 */
#include "coref.h"

#include <stdlib.h>
#include <string.h>

#define TD_COREF_PERSONS 64
#define TD_COREF_MAX_MENTIONS 8192

typedef struct {
    const char *name;
    const char *title;
    int entity;
    int gender;
    uint32_t pos;
} person;

typedef struct {
    uint32_t s, e;           /* the full name in norm */
    uint32_t last_s, last_e; /* its last word */
} fullname;

typedef struct {
    uint32_t pos;
    const td_entity *ent;
} ent_mention;

struct td_coref {
    td_doc *doc;
    td_arena *scratch;
    bool names_built, ments_built;
    uint32_t (*runs)[2];   /* the name runs found so far: first, last token */
    size_t n_runs;
    size_t scan_tok;       /* the token the search for runs goes on from */
    td_status st; /* TD_ENOMEM when an index could not be built */
    td_coref_listed_fn listed;
    void *listed_arg;
    person persons[TD_COREF_PERSONS];
    size_t n_persons;
    fullname *names; /* open-addressing hash by last word */
    size_t names_cap;
    ent_mention *ments;
    size_t n_ments;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

static bool same_fold(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

/* A token that may start or continue a name run. */
static bool name_tok(const td_token *t)
{
    return t->type == TD_TOK_WORD && (t->flags & TD_TOKF_CAP);
}

/* Any listed word (honorific, title, modifier, function word) is stripped
 * from the front of a name run. */
static bool strippable(const td_coref *c, size_t tok)
{
    return c->listed && c->listed(c->listed_arg, (uint32_t)tok);
}

static void add_fullname(td_coref *c, size_t first, size_t last)
{
    const td_token *a = TD_DOC_TOK(c->doc, first), *b = TD_DOC_TOK(c->doc, last);
    const char *lw = c->doc->norm + b->span.s;
    size_t ln = b->span.e - b->span.s;
    size_t mask = c->names_cap - 1;
    for (size_t h = hash_bytes(lw, ln) & mask, k = 0; k < c->names_cap; k++, h = (h + 1) & mask) {
        fullname *f = &c->names[h];
        if (f->e == 0) {
            f->s = a->span.s;
            f->e = b->span.e;
            f->last_s = b->span.s;
            f->last_e = b->span.e;
            return;
        }
        if (same_fold(c->doc->norm + f->last_s, f->last_e - f->last_s, lw, ln))
            return; /* keep the first full name */
    }
}

/* The name runs of the document starting before norm offset pos, in
 * order, after those found already: first and last token of each run kept
 * as a full name, appended to c->runs (room for toks.n / 2 + 1: a kept
 * run has two tokens at least). */
static void collect_names(td_coref *c, uint32_t pos)
{
    size_t n = c->doc->toks.n, i = c->scan_tok, k = c->n_runs;
    while (i < n && TD_DOC_TOK(c->doc, i)->span.s < pos) {
        if (!name_tok(TD_DOC_TOK(c->doc, i))) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && j - i < 8 && name_tok(TD_DOC_TOK(c->doc, j)) &&
               (j == i || TD_DOC_TOK(c->doc, j)->block == TD_DOC_TOK(c->doc, i)->block))
            j++;
        size_t f = i;
        while (f < j && strippable(c, f))
            f++;
        if (j - f >= 2 && j - f <= 4 && !(TD_DOC_TOK(c->doc, j - 1)->flags & TD_TOKF_ALLCAPS)) {
            c->runs[k][0] = (uint32_t)f;
            c->runs[k][1] = (uint32_t)(j - 1);
            k++;
        }
        i = j;
    }
    c->scan_tok = i;
    c->n_runs = k;
}

static int cmp_ment(const void *x, const void *y)
{
    const ent_mention *a = x, *b = y;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static void collect_entities(td_coref *c, td_arena *scratch)
{
    size_t total = 0;
    for (size_t i = 0; i < c->doc->entities.n; i++) {
        const td_entity *e = TD_VEC_AT(c->doc->entities, td_entity, i);
        if (e->type == TD_ENT_PERSON)
            total += e->mentions.n;
    }
    if (total > TD_COREF_MAX_MENTIONS)
        total = TD_COREF_MAX_MENTIONS;
    if (!total)
        return;
    c->ments = td_arena_alloc(scratch, total * sizeof *c->ments);
    if (!c->ments) {
        c->st = TD_ENOMEM;
        return;
    }
    for (size_t i = 0; i < c->doc->entities.n && c->n_ments < total; i++) {
        const td_entity *e = TD_VEC_AT(c->doc->entities, td_entity, i);
        if (e->type != TD_ENT_PERSON)
            continue;
        for (size_t k = 0; k < e->mentions.n && c->n_ments < total; k++) {
            const td_mention *m = TD_VEC_AT(e->mentions, td_mention, k);
            if (m->form == TD_FORM_PRONOUN)
                continue; /* a pronoun is no antecedent */
            c->ments[c->n_ments].pos = m->span.s;
            c->ments[c->n_ments].ent = e;
            c->n_ments++;
        }
    }
    qsort(c->ments, c->n_ments, sizeof *c->ments, cmp_ment);
}

td_coref *td_coref_new(td_arena *scratch, td_doc *doc, td_coref_listed_fn listed, void *arg)
{
    td_coref *c = td_arena_alloc(scratch, sizeof *c); /* persons[] unset */
    if (!c)
        return NULL;
    c->n_persons = 0;
    c->names_built = c->ments_built = false;
    c->names = NULL;
    c->names_cap = 0;
    c->runs = NULL;
    c->n_runs = 0;
    c->scan_tok = 0;
    c->ments = NULL;
    c->n_ments = 0;
    c->doc = doc;
    c->scratch = scratch;
    c->listed = listed;
    c->listed_arg = arg;
    c->st = TD_OK;
    return c;
}

td_status td_coref_status(const td_coref *c) { return c ? c->st : TD_OK; }

/* The name index of the runs starting before norm offset pos, built as the
 * questions come (a full name is only wanted before the surname asking for
 * it): the runs are found first, so the table is sized by them (load <=
 * 1/2), and grows. The runs go in in document order, so the first full
 * name for a last word is kept, as if all were indexed at once. False when
 * out of memory. */
static bool need_names(td_coref *c, uint32_t pos)
{
    if (!c->names_built) {
        c->names_built = true;
        c->runs = td_arena_alloc(c->scratch, (c->doc->toks.n / 2 + 1) * sizeof *c->runs);
        if (!c->runs) {
            c->st = TD_ENOMEM;
            return false;
        }
    } else if (!c->names && !c->runs) {
        return false;
    }
    size_t k0 = c->n_runs;
    collect_names(c, pos);
    size_t k = c->n_runs;
    if (!c->names || k * 2 > c->names_cap) {
        size_t cap = c->names_cap ? c->names_cap : 16;
        while (cap < k * 2)
            cap <<= 1;
        c->names = td_arena_calloc(c->scratch, cap * sizeof *c->names);
        if (!c->names) {
            c->runs = NULL;
            c->st = TD_ENOMEM;
            return false;
        }
        c->names_cap = cap;
        k0 = 0; /* all again, in order */
    }
    for (size_t i = k0; i < k; i++)
        add_fullname(c, c->runs[i][0], c->runs[i][1]);
    return true;
}

/* The person entities' mentions, sorted on first use. */
static void need_ments(td_coref *c)
{
    if (c->ments_built)
        return;
    c->ments_built = true;
    collect_entities(c, c->scratch);
}

void td_coref_note_person(td_coref *c, uint32_t pos, const char *name, int entity, int gender,
                          const char *title)
{
    if (!c || !name || !*name)
        return;
    for (size_t i = 0; i < c->n_persons; i++) {
        person *p = &c->persons[i];
        if (strcmp(p->name, name) == 0) {
            p->pos = pos;
            if (gender)
                p->gender = gender;
            if (title)
                p->title = title;
            if (entity)
                p->entity = entity;
            return;
        }
    }
    size_t slot = c->n_persons;
    if (slot == TD_COREF_PERSONS) { /* forget the least recent */
        slot = 0;
        for (size_t i = 1; i < c->n_persons; i++)
            if (c->persons[i].pos < c->persons[slot].pos)
                slot = i;
    } else {
        c->n_persons++;
    }
    person *p = &c->persons[slot];
    p->name = name;
    p->title = title;
    p->entity = entity;
    p->gender = gender;
    p->pos = pos;
}

static bool compatible(int have, int want)
{
    return want == TD_GENDER_UNKNOWN || have == TD_GENDER_UNKNOWN || have == want;
}

/* Gender learned for an entity, from the persons noted. */
static int entity_gender(const td_coref *c, int id)
{
    for (size_t i = 0; i < c->n_persons; i++)
        if (c->persons[i].entity == id)
            return c->persons[i].gender;
    return TD_GENDER_UNKNOWN;
}

bool td_coref_resolve_pronoun(td_coref *c, uint32_t pos, int gender, const char **name, int *entity)
{
    need_ments(c);
    person *best = NULL;
    for (size_t i = 0; i < c->n_persons; i++) {
        person *p = &c->persons[i];
        if (p->pos < pos && compatible(p->gender, gender) && (!best || p->pos > best->pos))
            best = p;
    }
    /* the most recent person entity mention before pos (bounded scan) */
    const ent_mention *em = NULL;
    size_t lo = 0, hi = c->n_ments;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->ments[mid].pos < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo, steps = 0; k-- > 0 && steps < 32; steps++) {
        if (compatible(entity_gender(c, c->ments[k].ent->id), gender)) {
            em = &c->ments[k];
            break;
        }
    }
    if (em && (!best || em->pos > best->pos)) {
        *name = em->ent->name;
        *entity = em->ent->id;
        return *name != NULL;
    }
    if (!best)
        return false;
    if (gender && !best->gender)
        best->gender = gender;
    *name = best->name;
    *entity = best->entity;
    return true;
}

bool td_coref_resolve_title(const td_coref *c, uint32_t pos, const char *title, size_t len,
                            const char **name, int *entity)
{
    char want[32];
    if (len == 0 || len >= sizeof want)
        return false;
    for (size_t i = 0; i < len; i++)
        want[i] = (char)(title[i] >= 'A' && title[i] <= 'Z' ? title[i] + 32 : title[i]);
    want[len] = '\0';
    const person *best = NULL;
    for (size_t i = 0; i < c->n_persons; i++) {
        const person *p = &c->persons[i];
        if (p->pos >= pos || !p->title)
            continue;
        const char *hit = strstr(p->title, want);
        if (hit && hit != p->title && hit[-1] != ' ')
            continue;
        if (!hit || (hit[len] != '\0' && hit[len] != ' '))
            continue;
        if (!best || p->pos > best->pos)
            best = p;
    }
    if (!best)
        return false;
    *name = best->name;
    *entity = best->entity;
    return true;
}

const char *td_coref_full_name(td_coref *c, uint32_t pos, const char *s, size_t len)
{
    if (!need_names(c, pos))
        return NULL;
    size_t mask = c->names_cap - 1;
    for (size_t h = hash_bytes(s, len) & mask, k = 0; k < c->names_cap; k++, h = (h + 1) & mask) {
        const fullname *f = &c->names[h];
        if (f->e == 0)
            return NULL;
        if (!same_fold(c->doc->norm + f->last_s, f->last_e - f->last_s, s, len))
            continue;
        if (f->s >= pos)
            return NULL;
        return td_arena_strndup(&c->doc->arena, c->doc->norm + f->s, f->e - f->s);
    }
    return NULL;
}

const td_entity *td_coref_entity_at(const td_doc *doc, td_span sp)
{
    for (size_t i = 0; i < doc->entities.n; i++) {
        const td_entity *e = TD_VEC_AT(doc->entities, td_entity, i);
        for (size_t k = 0; k < e->mentions.n; k++) {
            const td_mention *m = TD_VEC_AT(e->mentions, td_mention, k);
            if (m->span.s < sp.e && sp.s < m->span.e)
                return e;
        }
    }
    return NULL;
}
