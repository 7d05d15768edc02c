/* Concise text rendering of a report: the first line gives the overall
 * verdict, then one line per check; checks that did not pass (or all of them
 * with VNFO_REPORT_TEXT_VERBOSE) add their evidence and examples. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "report_private.h"

static void headline(struct strbuf *b, const vnfo_report *r)
{
    size_t c[4];
    vnfo__report_counts(r, c);
    vnfo_report_verdict v = vnfo_report_overall(r);
    vnfo__strbuf_printf(b, "%s: ", vnfo_report_verdict_name(v));
    switch (v) {
    case VNFO_REPORT_PASS:
        vnfo__strbuf_printf(b, "all %zu checks passed", r->n_entries);
        break;
    case VNFO_REPORT_FAIL:
        vnfo__strbuf_printf(b, "%zu of %zu checks found a violation", c[VNFO_REPORT_FAIL],
                            r->n_entries);
        break;
    case VNFO_REPORT_ERROR:
        vnfo__strbuf_printf(b, "%zu of %zu checks could not run", c[VNFO_REPORT_ERROR],
                            r->n_entries);
        break;
    case VNFO_REPORT_INCONCLUSIVE:
        if (r->n_entries == 0)
            vnfo__strbuf_printf(b, "the report has no checks");
        else
            vnfo__strbuf_printf(b, "%zu of %zu checks inconclusive, no violation",
                                c[VNFO_REPORT_INCONCLUSIVE], r->n_entries);
        break;
    }
    vnfo__strbuf_printf(b, " (%zu pass, %zu fail, %zu inconclusive, %zu error)\n",
                        c[VNFO_REPORT_PASS], c[VNFO_REPORT_FAIL], c[VNFO_REPORT_INCONCLUSIVE],
                        c[VNFO_REPORT_ERROR]);
}

static void real_text(struct strbuf *b, double v)
{
    if (isfinite(v))
        vnfo__strbuf_printf(b, "%.6g", v);
    else
        vnfo__strbuf_printf(b, "%s", isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
}

/* A text from the report (summaries, notes and text evidence may carry
 * names from the input): control characters (newlines too, which would
 * forge report lines) as \\u00XX and bytes that are not UTF-8 as \\xNN;
 * quotes stay, as the summaries quote names themselves. */
static void put_text(struct strbuf *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), i = 0;
    while (i < len) {
        size_t run = i;
        while (run < len && s[run] >= 0x20 && s[run] < 0x7f)
            run++;
        if (run > i) {
            vnfo__strbuf_printf(b, "%.*s", (int)(run - i), text + i);
            i = run;
            continue;
        }
        size_t u = s[i] >= 0x80 ? vnfo__utf8_length(s + i, len - i) : 0;
        if (u)
            vnfo__strbuf_printf(b, "%.*s", (int)u, text + i);
        else if (s[i] < 0x80)
            vnfo__strbuf_printf(b, "\\u%04x", s[i]);
        else
            vnfo__strbuf_printf(b, "\\x%02x", s[i]);
        i += u ? u : 1;
    }
}

static void evidence_text(struct strbuf *b, const struct evidence *ev)
{
    vnfo__strbuf_printf(b, "%s=", ev->key);
    switch (ev->type) {
    case VNFO_REPORT_EVIDENCE_UINT: vnfo__strbuf_printf(b, "%" PRIu64, ev->v.u); break;
    case VNFO_REPORT_EVIDENCE_INT: vnfo__strbuf_printf(b, "%" PRId64, ev->v.i); break;
    case VNFO_REPORT_EVIDENCE_REAL: real_text(b, ev->v.r); break;
    case VNFO_REPORT_EVIDENCE_BOOL: vnfo__strbuf_printf(b, "%s", ev->v.b ? "true" : "false"); break;
    case VNFO_REPORT_EVIDENCE_TEXT: put_text(b, ev->text); break;
    case VNFO_REPORT_EVIDENCE_INTERVAL:
        vnfo__strbuf_printf(b, "[");
        real_text(b, ev->v.iv[0]);
        vnfo__strbuf_printf(b, ", ");
        real_text(b, ev->v.iv[1]);
        vnfo__strbuf_printf(b, "]");
        break;
    }
}

static void details(struct strbuf *b, const vnfo_report_entry *e)
{
    if (e->n_evidence) {
        vnfo__strbuf_printf(b, "      evidence:");
        for (size_t i = 0; i < e->n_evidence; i++) {
            vnfo__strbuf_printf(b, i ? ", " : " ");
            evidence_text(b, &e->evidence[i]);
        }
        vnfo__strbuf_printf(b, "\n");
    }
    if (e->examples_total) {
        vnfo__strbuf_printf(b, "      examples (%" PRIu64 " in all):", e->examples_total);
        for (size_t i = 0; i < e->n_examples; i++) {
            vnfo__strbuf_printf(b, "%s%016" PRIx64, i ? ", " : " ", e->examples[i].label);
            if (e->examples[i].note) {
                vnfo__strbuf_printf(b, " (");
                put_text(b, e->examples[i].note);
                vnfo__strbuf_printf(b, ")");
            }
        }
        vnfo__strbuf_printf(b, "\n");
    }
}

vnfo_status vnfo_report_render_text(char *out, size_t size, size_t *needed,
                                    const vnfo_report *report, unsigned flags)
{
    if (!report || (!out && size))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_report_render_text: NULL argument");
    struct strbuf b = {0};
    headline(&b, report);
    for (size_t i = 0; i < report->n_entries; i++) {
        const vnfo_report_entry *e = report->entries[i];
        vnfo__strbuf_printf(&b, "  %-12s %-13s %-24s ", vnfo_report_verdict_name(e->verdict),
                            vnfo_report_category_name(e->category), e->name);
        put_text(&b, e->summary ? e->summary : "");
        vnfo__strbuf_printf(&b, "\n");
        if (e->verdict != VNFO_REPORT_PASS || (flags & VNFO_REPORT_TEXT_VERBOSE))
            details(&b, e);
    }
    vnfo_status s = b.failed ? vnfo__error(VNFO_E_NO_MEMORY, "vnfo_report_render_text: out of memory")
                             : vnfo__report_output(out, size, needed, b.p, b.len,
                                                   "vnfo_report_render_text");
    vnfo__strbuf_free(&b);
    return s;
}
