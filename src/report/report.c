/* The report model: entries, evidence, examples and the overall verdict. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "report_private.h"

unsigned vnfo_report_format_version(void) { return VNFO_REPORT_FORMAT_VERSION; }

const char *vnfo_report_verdict_name(vnfo_report_verdict verdict)
{
    switch (verdict) {
    case VNFO_REPORT_PASS: return "PASS";
    case VNFO_REPORT_FAIL: return "FAIL";
    case VNFO_REPORT_INCONCLUSIVE: return "INCONCLUSIVE";
    case VNFO_REPORT_ERROR: return "ERROR";
    }
    return "UNKNOWN";
}

const char *vnfo_report_category_name(vnfo_report_category category)
{
    switch (category) {
    case VNFO_REPORT_FUNCTIONALITY: return "functionality";
    case VNFO_REPORT_PERFORMANCE: return "performance";
    case VNFO_REPORT_ACCOUNTING: return "accounting";
    case VNFO_REPORT_INTEGRITY: return "integrity";
    }
    return "unknown";
}

int vnfo_report_verdict_exit_code(vnfo_report_verdict verdict)
{
    switch (verdict) {
    case VNFO_REPORT_PASS: return 0;
    case VNFO_REPORT_FAIL: return 1;
    case VNFO_REPORT_INCONCLUSIVE: return 2;
    case VNFO_REPORT_ERROR: break;
    }
    return 3;
}

static int verdict_valid(vnfo_report_verdict v) { return v >= VNFO_REPORT_PASS && v <= VNFO_REPORT_ERROR; }

static int name_valid(const char *name)
{
    return name && *name && strlen(name) <= REPORT_NAME_MAX;
}

vnfo_status vnfo_report_create(vnfo_report **out)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_report_create: out is NULL");
    *out = vnfo__calloc(1, sizeof **out);
    if (!*out)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_create: out of memory");
    (*out)->max_examples = VNFO_REPORT_MAX_EXAMPLES_DEFAULT;
    return VNFO_OK;
}

static void entry_free(vnfo_report_entry *e)
{
    for (size_t i = 0; i < e->n_evidence; i++)
        vnfo__free(e->evidence[i].text);
    for (size_t i = 0; i < e->n_examples; i++)
        vnfo__free(e->examples[i].note);
    vnfo__free(e->evidence);
    vnfo__free(e->examples);
    vnfo__free(e->summary);
    vnfo__free(e);
}

void vnfo_report_free(vnfo_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->n_entries; i++)
        entry_free(report->entries[i]);
    for (size_t i = 0; i < report->n_subject; i++)
        vnfo__free(report->subject[i].value);
    vnfo__free(report->subject);
    vnfo__free(report->entries);
    vnfo__free(report);
}

vnfo_status vnfo_report_max_examples_set(vnfo_report *report, size_t max)
{
    if (!report || max > REPORT_EXAMPLES_LIMIT)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_report_max_examples_set: NULL report or more than %d examples",
                           REPORT_EXAMPLES_LIMIT);
    report->max_examples = max;
    return VNFO_OK;
}

vnfo_status vnfo_report_subject_set(vnfo_report *report, const char *key, const char *value)
{
    if (!report || !name_valid(key) || !value)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_report_subject_set: NULL argument or key empty or over %d bytes",
                           REPORT_NAME_MAX);
    char *copy = vnfo__strdup(value);
    if (!copy)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_subject_set: out of memory");
    for (size_t i = 0; i < report->n_subject; i++)
        if (strcmp(report->subject[i].key, key) == 0) {
            vnfo__free(report->subject[i].value);
            report->subject[i].value = copy;
            return VNFO_OK;
        }
    struct subject *s = vnfo__reallocarray(report->subject, report->n_subject + 1, sizeof *s);
    if (!s) {
        vnfo__free(copy);
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_subject_set: out of memory");
    }
    report->subject = s;
    snprintf(s[report->n_subject].key, sizeof s->key, "%s", key);
    s[report->n_subject++].value = copy;
    return VNFO_OK;
}

const vnfo_report_entry *vnfo_report_entry_find(const vnfo_report *report, const char *name)
{
    if (!report || !name)
        return NULL;
    for (size_t i = 0; i < report->n_entries; i++)
        if (strcmp(report->entries[i]->name, name) == 0)
            return report->entries[i];
    return NULL;
}

static vnfo_status entries_grow(vnfo_report *report)
{
    if (report->n_entries < report->cap_entries)
        return VNFO_OK;
    size_t cap = report->cap_entries ? report->cap_entries * 2 : 16;
    vnfo_report_entry **e = vnfo__reallocarray(report->entries, cap, sizeof *e);
    if (!e)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_entry_add: out of memory");
    report->entries = e;
    report->cap_entries = cap;
    return VNFO_OK;
}

vnfo_status vnfo_report_entry_add(vnfo_report_entry **out, vnfo_report *report, const char *name,
                                  vnfo_report_category category, vnfo_report_verdict verdict,
                                  const char *summary)
{
    if (out)
        *out = NULL;
    if (!out || !report || !name_valid(name))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_report_entry_add: NULL argument or name empty or over %d bytes",
                           REPORT_NAME_MAX);
    if (category < VNFO_REPORT_FUNCTIONALITY || category > VNFO_REPORT_INTEGRITY ||
        !verdict_valid(verdict))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: unknown category %d or verdict %d", name,
                           (int)category, (int)verdict);
    if (vnfo_report_entry_find(report, name))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "%s: the report already has this check", name);
    vnfo_status s = entries_grow(report);
    if (s != VNFO_OK)
        return s;
    vnfo_report_entry *e = vnfo__calloc(1, sizeof *e);
    if (!e)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_entry_add: out of memory");
    e->report = report;
    snprintf(e->name, sizeof e->name, "%s", name);
    e->category = category;
    e->verdict = verdict;
    if (summary && !(e->summary = vnfo__strdup(summary))) {
        vnfo__free(e);
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_entry_add: out of memory");
    }
    report->entries[report->n_entries++] = e;
    *out = e;
    return VNFO_OK;
}

vnfo_status vnfo_report_entry_verdict_set(vnfo_report_entry *entry, vnfo_report_verdict verdict)
{
    if (!entry || !verdict_valid(verdict))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_report_entry_verdict_set: NULL entry or unknown verdict %d",
                           (int)verdict);
    entry->verdict = verdict;
    return VNFO_OK;
}

vnfo_status vnfo_report_entry_summary_set(vnfo_report_entry *entry, const char *fmt, ...)
{
    if (!entry || !fmt)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_report_entry_summary_set: NULL argument");
    char buf[REPORT_SUMMARY_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *copy = vnfo__strdup(buf);
    if (!copy)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_entry_summary_set: out of memory");
    vnfo__free(entry->summary);
    entry->summary = copy;
    return VNFO_OK;
}

/* The slot for a key: the existing one, or a new one at the end. */
static vnfo_status evidence_slot(struct evidence **out, vnfo_report_entry *entry, const char *key)
{
    if (!entry || !name_valid(key))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "report evidence: NULL entry or key empty or over %d bytes",
                           REPORT_NAME_MAX);
    for (size_t i = 0; i < entry->n_evidence; i++)
        if (strcmp(entry->evidence[i].key, key) == 0) {
            vnfo__free(entry->evidence[i].text);
            entry->evidence[i].text = NULL;
            *out = &entry->evidence[i];
            return VNFO_OK;
        }
    if (entry->n_evidence == entry->cap_evidence) {
        size_t cap = entry->cap_evidence ? entry->cap_evidence * 2 : 8;
        struct evidence *e = vnfo__reallocarray(entry->evidence, cap, sizeof *e);
        if (!e)
            return vnfo__error(VNFO_E_NO_MEMORY, "%s: evidence: out of memory", entry->name);
        entry->evidence = e;
        entry->cap_evidence = cap;
    }
    struct evidence *ev = &entry->evidence[entry->n_evidence++];
    memset(ev, 0, sizeof *ev);
    snprintf(ev->key, sizeof ev->key, "%s", key);
    *out = ev;
    return VNFO_OK;
}

vnfo_status vnfo_report_evidence_uint(vnfo_report_entry *entry, const char *key, uint64_t value)
{
    struct evidence *ev;
    vnfo_status s = evidence_slot(&ev, entry, key);
    if (s == VNFO_OK) {
        ev->type = VNFO_REPORT_EVIDENCE_UINT;
        ev->v.u = value;
    }
    return s;
}

vnfo_status vnfo_report_evidence_int(vnfo_report_entry *entry, const char *key, int64_t value)
{
    struct evidence *ev;
    vnfo_status s = evidence_slot(&ev, entry, key);
    if (s == VNFO_OK) {
        ev->type = VNFO_REPORT_EVIDENCE_INT;
        ev->v.i = value;
    }
    return s;
}

vnfo_status vnfo_report_evidence_real(vnfo_report_entry *entry, const char *key, double value)
{
    struct evidence *ev;
    vnfo_status s = evidence_slot(&ev, entry, key);
    if (s == VNFO_OK) {
        ev->type = VNFO_REPORT_EVIDENCE_REAL;
        ev->v.r = value;
    }
    return s;
}

vnfo_status vnfo_report_evidence_bool(vnfo_report_entry *entry, const char *key, int value)
{
    struct evidence *ev;
    vnfo_status s = evidence_slot(&ev, entry, key);
    if (s == VNFO_OK) {
        ev->type = VNFO_REPORT_EVIDENCE_BOOL;
        ev->v.b = value != 0;
    }
    return s;
}

vnfo_status vnfo_report_evidence_interval(vnfo_report_entry *entry, const char *key, double lo,
                                          double hi)
{
    struct evidence *ev;
    vnfo_status s = evidence_slot(&ev, entry, key);
    if (s == VNFO_OK) {
        ev->type = VNFO_REPORT_EVIDENCE_INTERVAL;
        ev->v.iv[0] = lo;
        ev->v.iv[1] = hi;
    }
    return s;
}

vnfo_status vnfo_report_evidence_text(vnfo_report_entry *entry, const char *key, const char *value)
{
    if (!value)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "report evidence: NULL text");
    char buf[REPORT_TEXT_MAX + 1];
    snprintf(buf, sizeof buf, "%s", value);
    char *copy = vnfo__strdup(buf);
    if (!copy)
        return vnfo__error(VNFO_E_NO_MEMORY, "report evidence: out of memory");
    struct evidence *ev;
    vnfo_status s = evidence_slot(&ev, entry, key);
    if (s != VNFO_OK) {
        vnfo__free(copy);
        return s;
    }
    ev->type = VNFO_REPORT_EVIDENCE_TEXT;
    ev->text = copy;
    return VNFO_OK;
}

vnfo_status vnfo_report_example_add(vnfo_report_entry *entry, uint64_t label, const char *note)
{
    if (!entry)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_report_example_add: NULL entry");
    entry->examples_total++;
    if (entry->n_examples >= entry->report->max_examples)
        return VNFO_OK;
    char *copy = NULL;
    if (note && !(copy = vnfo__strdup(note)))
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_example_add: out of memory");
    struct example *e = vnfo__reallocarray(entry->examples, entry->n_examples + 1, sizeof *e);
    if (!e) {
        vnfo__free(copy);
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_example_add: out of memory");
    }
    entry->examples = e;
    e[entry->n_examples].label = label;
    e[entry->n_examples++].note = copy;
    return VNFO_OK;
}

void vnfo__report_counts(const vnfo_report *report, size_t counts[4])
{
    memset(counts, 0, 4 * sizeof counts[0]);
    for (size_t i = 0; i < report->n_entries; i++)
        counts[report->entries[i]->verdict]++;
}

vnfo_report_verdict vnfo_report_overall(const vnfo_report *report)
{
    if (!report)
        return VNFO_REPORT_ERROR;
    size_t c[4];
    vnfo__report_counts(report, c);
    if (c[VNFO_REPORT_FAIL])
        return VNFO_REPORT_FAIL;
    if (c[VNFO_REPORT_ERROR])
        return VNFO_REPORT_ERROR;
    if (c[VNFO_REPORT_INCONCLUSIVE] || report->n_entries == 0)
        return VNFO_REPORT_INCONCLUSIVE;
    return VNFO_REPORT_PASS;
}

/* ---- accessors ------------------------------------------------------------ */

size_t vnfo_report_entry_count(const vnfo_report *report) { return report ? report->n_entries : 0; }

const vnfo_report_entry *vnfo_report_entry_at(const vnfo_report *report, size_t index)
{
    return report && index < report->n_entries ? report->entries[index] : NULL;
}

const char *vnfo_report_entry_name(const vnfo_report_entry *entry) { return entry ? entry->name : ""; }

const char *vnfo_report_entry_summary(const vnfo_report_entry *entry)
{
    return entry && entry->summary ? entry->summary : "";
}

vnfo_report_verdict vnfo_report_entry_verdict(const vnfo_report_entry *entry)
{
    return entry ? entry->verdict : VNFO_REPORT_ERROR;
}

vnfo_report_category vnfo_report_entry_category(const vnfo_report_entry *entry)
{
    return entry ? entry->category : VNFO_REPORT_INTEGRITY;
}

uint64_t vnfo_report_entry_examples_total(const vnfo_report_entry *entry)
{
    return entry ? entry->examples_total : 0;
}

vnfo_status vnfo_report_entry_example_at(uint64_t *out, const vnfo_report_entry *entry, size_t index)
{
    if (!out || !entry || index >= entry->n_examples)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "vnfo_report_entry_example_at: NULL argument or index out of range");
    *out = entry->examples[index].label;
    return VNFO_OK;
}

vnfo_status vnfo_report_evidence_number(double *out, const vnfo_report_entry *entry, const char *key)
{
    if (!out || !entry || !key)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_report_evidence_number: NULL argument");
    for (size_t i = 0; i < entry->n_evidence; i++) {
        const struct evidence *ev = &entry->evidence[i];
        if (strcmp(ev->key, key) != 0)
            continue;
        switch (ev->type) {
        case VNFO_REPORT_EVIDENCE_UINT: *out = (double)ev->v.u; return VNFO_OK;
        case VNFO_REPORT_EVIDENCE_INT: *out = (double)ev->v.i; return VNFO_OK;
        case VNFO_REPORT_EVIDENCE_REAL: *out = ev->v.r; return VNFO_OK;
        case VNFO_REPORT_EVIDENCE_BOOL: *out = ev->v.b; return VNFO_OK;
        case VNFO_REPORT_EVIDENCE_INTERVAL: *out = ev->v.iv[0]; return VNFO_OK;
        case VNFO_REPORT_EVIDENCE_TEXT: break;
        }
        break;
    }
    return vnfo__error(VNFO_E_NOT_FOUND, "%s: no numeric evidence \"%s\"", entry->name, key);
}
