/* cdef of include/vnfo/report.h, written for cffi. */
#define VNFO_REPORT_FORMAT_VERSION ...
#define VNFO_REPORT_MAX_EXAMPLES_DEFAULT ...
#define VNFO_REPORT_TEXT_VERBOSE ...
#define VNFO_REPORT_JSON_COMPACT ...

typedef enum vnfo_report_verdict {
    VNFO_REPORT_PASS = 0,
    VNFO_REPORT_FAIL = 1,
    VNFO_REPORT_INCONCLUSIVE = 2,
    VNFO_REPORT_ERROR = 3
} vnfo_report_verdict;

typedef enum vnfo_report_category {
    VNFO_REPORT_FUNCTIONALITY = 0,
    VNFO_REPORT_PERFORMANCE = 1,
    VNFO_REPORT_ACCOUNTING = 2,
    VNFO_REPORT_INTEGRITY = 3
} vnfo_report_category;

typedef enum vnfo_report_evidence_type {
    VNFO_REPORT_EVIDENCE_UINT = 0,
    VNFO_REPORT_EVIDENCE_INT = 1,
    VNFO_REPORT_EVIDENCE_REAL = 2,
    VNFO_REPORT_EVIDENCE_TEXT = 3,
    VNFO_REPORT_EVIDENCE_INTERVAL = 4,
    VNFO_REPORT_EVIDENCE_BOOL = 5
} vnfo_report_evidence_type;

typedef struct vnfo_report vnfo_report;
typedef struct vnfo_report_entry vnfo_report_entry;

unsigned vnfo_report_format_version(void);
const char *vnfo_report_verdict_name(vnfo_report_verdict verdict);
const char *vnfo_report_category_name(vnfo_report_category category);
vnfo_status vnfo_report_create(vnfo_report **out);
void vnfo_report_free(vnfo_report *report);
vnfo_status vnfo_report_max_examples_set(vnfo_report *report, size_t max);
vnfo_status vnfo_report_subject_set(vnfo_report *report, const char *key, const char *value);
vnfo_status vnfo_report_entry_add(vnfo_report_entry **out, vnfo_report *report,
                                  const char *name, vnfo_report_category category,
                                  vnfo_report_verdict verdict, const char *summary);
vnfo_status vnfo_report_entry_verdict_set(vnfo_report_entry *entry, vnfo_report_verdict verdict);
vnfo_status vnfo_report_entry_summary_set(vnfo_report_entry *entry, const char *fmt, ...);
vnfo_status vnfo_report_evidence_uint(vnfo_report_entry *entry, const char *key, uint64_t value);
vnfo_status vnfo_report_evidence_int(vnfo_report_entry *entry, const char *key, int64_t value);
vnfo_status vnfo_report_evidence_real(vnfo_report_entry *entry, const char *key, double value);
vnfo_status vnfo_report_evidence_text(vnfo_report_entry *entry, const char *key,
                                      const char *value);
vnfo_status vnfo_report_evidence_interval(vnfo_report_entry *entry, const char *key,
                                          double lo, double hi);
vnfo_status vnfo_report_evidence_bool(vnfo_report_entry *entry, const char *key, int value);
vnfo_status vnfo_report_example_add(vnfo_report_entry *entry, uint64_t label, const char *note);
vnfo_report_verdict vnfo_report_overall(const vnfo_report *report);
int vnfo_report_verdict_exit_code(vnfo_report_verdict verdict);
size_t vnfo_report_entry_count(const vnfo_report *report);
const vnfo_report_entry *vnfo_report_entry_at(const vnfo_report *report, size_t index);
const vnfo_report_entry *vnfo_report_entry_find(const vnfo_report *report, const char *name);
const char *vnfo_report_entry_name(const vnfo_report_entry *entry);
const char *vnfo_report_entry_summary(const vnfo_report_entry *entry);
vnfo_report_verdict vnfo_report_entry_verdict(const vnfo_report_entry *entry);
vnfo_report_category vnfo_report_entry_category(const vnfo_report_entry *entry);
uint64_t vnfo_report_entry_examples_total(const vnfo_report_entry *entry);
vnfo_status vnfo_report_entry_example_at(uint64_t *out, const vnfo_report_entry *entry,
                                         size_t index);
vnfo_status vnfo_report_evidence_number(double *out, const vnfo_report_entry *entry,
                                        const char *key);
vnfo_status vnfo_report_render_json(char *out, size_t size, size_t *needed,
                                    const vnfo_report *report, unsigned flags);
vnfo_status vnfo_report_render_text(char *out, size_t size, size_t *needed,
                                    const vnfo_report *report, unsigned flags);
