/* JSON rendering of a report (schema: docs/REPORT.md), built with jansson. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "report_private.h"

/* json_object_set_new that records an allocation failure instead of losing it. */
static void put(json_t *obj, const char *key, json_t *value, int *failed)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *failed = 1;
}

/* A text from the report (summaries, notes and text evidence may carry
 * names from the input) as a JSON string.  jansson escapes control
 * characters when it writes, but refuses bytes that are not UTF-8: such a
 * text is rendered escaped (\\xNN) instead of failing the whole report. */
static json_t *text_value(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    size_t len = strlen(s), size = 6 * len + 8;
    char *q = vnfo__malloc(size);
    if (!q)
        return NULL;
    vnfo__quote(q, size, s, len, len);
    v = json_string(q);
    vnfo__free(q);
    return v;
}

/* JSON has no NaN or infinity: those render as null. */
static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* jansson integers are signed 64-bit; larger counts render as decimal
 * strings so no digit is lost (documented in docs/REPORT.md). */
static json_t *uint_value(uint64_t v)
{
    if (v <= (uint64_t)INT64_MAX)
        return json_integer((json_int_t)v);
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    return json_string(buf);
}

static json_t *evidence_value(const struct evidence *ev, int *failed)
{
    switch (ev->type) {
    case VNFO_REPORT_EVIDENCE_UINT: return uint_value(ev->v.u);
    case VNFO_REPORT_EVIDENCE_INT: return json_integer((json_int_t)ev->v.i);
    case VNFO_REPORT_EVIDENCE_REAL: return real_or_null(ev->v.r);
    case VNFO_REPORT_EVIDENCE_BOOL: return json_boolean(ev->v.b);
    case VNFO_REPORT_EVIDENCE_TEXT: return text_value(ev->text);
    case VNFO_REPORT_EVIDENCE_INTERVAL: {
        json_t *iv = json_array();
        if (!iv || json_array_append_new(iv, real_or_null(ev->v.iv[0])) != 0 ||
            json_array_append_new(iv, real_or_null(ev->v.iv[1])) != 0)
            *failed = 1;
        return iv;
    }
    }
    return json_null();
}

static json_t *examples_json(const vnfo_report_entry *e, int *failed)
{
    json_t *arr = json_array();
    if (!arr) {
        *failed = 1;
        return NULL;
    }
    for (size_t i = 0; i < e->n_examples; i++) {
        json_t *ex = json_object();
        char label[19];
        snprintf(label, sizeof label, "%016" PRIx64, e->examples[i].label);
        if (!ex) {
            *failed = 1;
            continue;
        }
        put(ex, "label", json_string(label), failed);
        if (e->examples[i].note)
            put(ex, "note", text_value(e->examples[i].note), failed);
        if (json_array_append_new(arr, ex) != 0)
            *failed = 1;
    }
    return arr;
}

static json_t *entry_json(const vnfo_report_entry *e, int *failed)
{
    json_t *o = json_object(), *ev = json_object();
    if (!o || !ev) {
        json_decref(o);
        json_decref(ev);
        *failed = 1;
        return NULL;
    }
    put(o, "check", text_value(e->name), failed);
    put(o, "category", json_string(vnfo_report_category_name(e->category)), failed);
    put(o, "verdict", json_string(vnfo_report_verdict_name(e->verdict)), failed);
    put(o, "summary", text_value(e->summary ? e->summary : ""), failed);
    for (size_t i = 0; i < e->n_evidence; i++)
        put(ev, e->evidence[i].key, evidence_value(&e->evidence[i], failed), failed);
    put(o, "evidence", ev, failed);
    put(o, "examples", examples_json(e, failed), failed);
    put(o, "examples_total", uint_value(e->examples_total), failed);
    return o;
}

static json_t *report_json(const vnfo_report *r, int *failed)
{
    json_t *root = json_object(), *subject = json_object(), *counts = json_object(),
           *checks = json_array();
    if (!root || !subject || !counts || !checks) {
        json_decref(root);
        json_decref(subject);
        json_decref(counts);
        json_decref(checks);
        *failed = 1;
        return NULL;
    }
    vnfo_report_verdict overall = vnfo_report_overall(r);
    put(root, "vnfo_report", json_integer(VNFO_REPORT_FORMAT_VERSION), failed);
    put(root, "library_version", json_string(vnfo_version_string()), failed);
    put(root, "verdict", json_string(vnfo_report_verdict_name(overall)), failed);
    put(root, "exit_code", json_integer(vnfo_report_verdict_exit_code(overall)), failed);
    for (size_t i = 0; i < r->n_subject; i++)
        put(subject, r->subject[i].key, text_value(r->subject[i].value), failed);
    put(root, "subject", subject, failed);
    size_t c[4];
    vnfo__report_counts(r, c);
    for (int v = VNFO_REPORT_PASS; v <= VNFO_REPORT_ERROR; v++)
        put(counts, vnfo_report_verdict_name((vnfo_report_verdict)v), json_integer((json_int_t)c[v]), failed);
    put(root, "counts", counts, failed);
    for (size_t i = 0; i < r->n_entries; i++)
        if (json_array_append_new(checks, entry_json(r->entries[i], failed)) != 0)
            *failed = 1;
    put(root, "checks", checks, failed);
    return root;
}

vnfo_status vnfo_report_render_json(char *out, size_t size, size_t *needed,
                                    const vnfo_report *report, unsigned flags)
{
    if (!report || (!out && size))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_report_render_json: NULL argument");
    int failed = 0;
    json_t *root = report_json(report, &failed);
    size_t jflags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12) |
                    ((flags & VNFO_REPORT_JSON_COMPACT) ? JSON_COMPACT : JSON_INDENT(2));
    char *text = (!failed && root) ? json_dumps(root, jflags) : NULL;
    json_decref(root);
    if (!text)
        return vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_render_json: out of memory");
    vnfo_status s = vnfo__report_output(out, size, needed, text, strlen(text),
                                        "vnfo_report_render_json");
    free(text); /* allocated by jansson's own allocator */
    return s;
}
