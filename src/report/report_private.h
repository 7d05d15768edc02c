/* The report model shared by the report sources (never installed). */
#ifndef VNFO_REPORT_PRIVATE_H
#define VNFO_REPORT_PRIVATE_H

#include <vnfo/report.h>

#define REPORT_NAME_MAX 64
#define REPORT_SUMMARY_MAX 512
#define REPORT_TEXT_MAX 256
#define REPORT_EXAMPLES_LIMIT 1024

struct evidence {
    char key[REPORT_NAME_MAX + 1];
    vnfo_report_evidence_type type;
    union {
        uint64_t u;
        int64_t i;
        double r;
        int b;
        double iv[2];
    } v;
    char *text; /* VNFO_REPORT_EVIDENCE_TEXT only */
};

struct example {
    uint64_t label;
    char *note; /* may be NULL */
};

struct vnfo_report_entry {
    const struct vnfo_report *report;
    char name[REPORT_NAME_MAX + 1];
    vnfo_report_category category;
    vnfo_report_verdict verdict;
    char *summary;
    struct evidence *evidence;
    size_t n_evidence, cap_evidence;
    struct example *examples;
    size_t n_examples;
    uint64_t examples_total;
};

struct subject {
    char key[REPORT_NAME_MAX + 1];
    char *value;
};

struct vnfo_report {
    vnfo_report_entry **entries;
    size_t n_entries, cap_entries;
    struct subject *subject;
    size_t n_subject;
    size_t max_examples;
};

/* A growable NUL-terminated string for the renderers. */
struct strbuf {
    char *p;
    size_t len, cap;
    int failed; /* an allocation failed: the content is incomplete */
};

void vnfo__strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vnfo__strbuf_free(struct strbuf *b);

/* Copies a rendered string into the caller's buffer per the bound protocol
 * of vnfo_report_render_json(). */
vnfo_status vnfo__report_output(char *out, size_t size, size_t *needed, const char *text,
                                size_t len, const char *what);

/* Counts of entries by verdict, indexed by vnfo_report_verdict. */
void vnfo__report_counts(const vnfo_report *report, size_t counts[4]);

#endif
