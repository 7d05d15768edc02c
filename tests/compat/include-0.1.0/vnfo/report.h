/**
 * @file report.h
 * @brief Verification reports: one verdict per check with its evidence, an
 *        overall verdict, and rendering to versioned JSON and to text.
 *
 * The verifier (verify.h) fills a ::vnfo_report; applications may add their
 * own checks too.  Each check is an entry with a name ("chain.order"), a
 * category, a verdict, a one-line summary, typed evidence (numbers,
 * intervals, method names, counts) and example packet labels of violations
 * (capped; the total is kept).  The overall verdict is derived by the rule
 * of vnfo_report_overall().  The JSON schema is docs/REPORT.md.
 */
#ifndef VNFO_REPORT_H
#define VNFO_REPORT_H

#include <vnfo/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the JSON rendering (the "vnfo_report" member). */
#define VNFO_REPORT_FORMAT_VERSION 1
/** Default cap on the example labels kept per entry. */
#define VNFO_REPORT_MAX_EXAMPLES_DEFAULT 8

/** Flags of vnfo_report_render_text(). */
#define VNFO_REPORT_TEXT_VERBOSE 1u /**< Evidence of every check, not only of those that did not pass. */
/** Flags of vnfo_report_render_json(). */
#define VNFO_REPORT_JSON_COMPACT 1u /**< One line, no indentation. */

/** The verdict of one check, or of the whole report.  Values are pinned. */
typedef enum vnfo_report_verdict {
    VNFO_REPORT_PASS = 0,         /**< The check holds, at the stated confidence. */
    VNFO_REPORT_FAIL = 1,         /**< A violation was found; the evidence says where. */
    VNFO_REPORT_INCONCLUSIVE = 2, /**< Too little data to decide either way. */
    VNFO_REPORT_ERROR = 3         /**< The check could not run (unreadable or invalid input). */
} vnfo_report_verdict;

/** What a check is about.  Values are pinned. */
typedef enum vnfo_report_category {
    VNFO_REPORT_FUNCTIONALITY = 0, /**< Chain traversal and per-function behaviour. */
    VNFO_REPORT_PERFORMANCE = 1,   /**< Delay against the SLA slack. */
    VNFO_REPORT_ACCOUNTING = 2,    /**< Bill consistency and minimality. */
    VNFO_REPORT_INTEGRITY = 3      /**< Logs: signatures, chains, completeness. */
} vnfo_report_category;

/** The type of one evidence value.  Values are pinned. */
typedef enum vnfo_report_evidence_type {
    VNFO_REPORT_EVIDENCE_UINT = 0,     /**< An unsigned 64-bit count or amount. */
    VNFO_REPORT_EVIDENCE_INT = 1,      /**< A signed 64-bit number. */
    VNFO_REPORT_EVIDENCE_REAL = 2,     /**< A double (estimates, p-values); NaN and infinities render as null. */
    VNFO_REPORT_EVIDENCE_TEXT = 3,     /**< A short string (method names, node names, reasons). */
    VNFO_REPORT_EVIDENCE_INTERVAL = 4, /**< A closed interval [lo, hi] of doubles. */
    VNFO_REPORT_EVIDENCE_BOOL = 5      /**< true or false. */
} vnfo_report_evidence_type;

/** A report (opaque). */
typedef struct vnfo_report vnfo_report;
/** One check of a report (owned by the report; valid until it is freed). */
typedef struct vnfo_report_entry vnfo_report_entry;

/** @brief VNFO_REPORT_FORMAT_VERSION, for FFI.  @par Thread safety: safe. */
VNFO_API unsigned vnfo_report_format_version(void);

/**
 * @brief Name of a verdict: "PASS", "FAIL", "INCONCLUSIVE" or "ERROR"
 *        ("UNKNOWN" for other values).
 * @par Thread safety: safe.
 */
VNFO_API const char *vnfo_report_verdict_name(vnfo_report_verdict verdict);

/**
 * @brief Name of a category: "functionality", "performance", "accounting"
 *        or "integrity" ("unknown" for other values).
 * @par Thread safety: safe.
 */
VNFO_API const char *vnfo_report_category_name(vnfo_report_category category);

/**
 * @brief Create an empty report.
 * @param[out] out The report; NULL on failure.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_report_create(vnfo_report **out);

/**
 * @brief Free a report and all its entries.  Accepts NULL.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_report_free(vnfo_report *report);

/**
 * @brief Set how many example labels each entry keeps (default
 *        VNFO_REPORT_MAX_EXAMPLES_DEFAULT); later examples are only counted.
 * @param max 0 to 1024.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_report_max_examples_set(vnfo_report *report, size_t max);

/**
 * @brief Set a member of the report's "subject" (what was verified: manifest
 *        id and digest, bill, log folder...).  Setting a key again replaces it.
 * @param key A non-empty name of at most 64 bytes.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_report_subject_set(vnfo_report *report, const char *key,
                                             const char *value);

/**
 * @brief Append a check.
 * @param[out] out The new entry (owned by the report); NULL on failure.
 * @param name A unique, non-empty check name of at most 64 bytes, for
 *        example "chain.order".
 * @param summary A one-line human summary (may be NULL, set later with
 *        vnfo_report_entry_summary_set()).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (bad name, category or verdict,
 *         or a name already present) or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_report_entry_add(vnfo_report_entry **out, vnfo_report *report,
                                           const char *name, vnfo_report_category category,
                                           vnfo_report_verdict verdict, const char *summary);

/**
 * @brief Change an entry's verdict.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle (of the report).
 */
VNFO_API vnfo_status vnfo_report_entry_verdict_set(vnfo_report_entry *entry, vnfo_report_verdict verdict);

/**
 * @brief Replace an entry's summary (printf-style; at most 512 bytes kept).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle (of the report).
 */
VNFO_API vnfo_status vnfo_report_entry_summary_set(vnfo_report_entry *entry, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/**
 * @brief Add evidence to an entry.  Keys are unique within an entry (a
 *        repeated key replaces the value), non-empty, at most 64 bytes.
 *        Evidence renders in the order it was first added.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle (of the report).
 */
VNFO_API vnfo_status vnfo_report_evidence_uint(vnfo_report_entry *entry, const char *key,
                                               uint64_t value);
/** @brief As vnfo_report_evidence_uint(), for a signed number.  @par Thread safety: per handle. */
VNFO_API vnfo_status vnfo_report_evidence_int(vnfo_report_entry *entry, const char *key,
                                              int64_t value);
/** @brief As vnfo_report_evidence_uint(), for a double.  @par Thread safety: per handle. */
VNFO_API vnfo_status vnfo_report_evidence_real(vnfo_report_entry *entry, const char *key,
                                               double value);
/** @brief As vnfo_report_evidence_uint(), for a string (copied).  @par Thread safety: per handle. */
VNFO_API vnfo_status vnfo_report_evidence_text(vnfo_report_entry *entry, const char *key,
                                               const char *value);
/** @brief As vnfo_report_evidence_uint(), for an interval [lo, hi].  @par Thread safety: per handle. */
VNFO_API vnfo_status vnfo_report_evidence_interval(vnfo_report_entry *entry, const char *key,
                                                   double lo, double hi);
/** @brief As vnfo_report_evidence_uint(), for a boolean.  @par Thread safety: per handle. */
VNFO_API vnfo_status vnfo_report_evidence_bool(vnfo_report_entry *entry, const char *key,
                                               int value);

/**
 * @brief Record a violating packet by its label, with an optional short note
 *        ("hop 3 (ids) missing").  Only the first examples (the cap) are
 *        kept; every call is counted in vnfo_report_entry_examples_total().
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NO_MEMORY.
 * @par Thread safety: per handle (of the report).
 */
VNFO_API vnfo_status vnfo_report_example_add(vnfo_report_entry *entry, uint64_t label,
                                             const char *note);

/**
 * @brief The overall verdict: FAIL when any check failed; otherwise ERROR
 *        when any check could not run; otherwise INCONCLUSIVE when any check
 *        is inconclusive or there is no check at all; otherwise PASS.
 * @return The verdict; VNFO_REPORT_ERROR for a NULL report.
 * @par Thread safety: safe while no thread modifies the report.
 */
VNFO_API vnfo_report_verdict vnfo_report_overall(const vnfo_report *report);

/**
 * @brief The CLI exit code of a verdict: 0 PASS, 1 FAIL, 2 INCONCLUSIVE,
 *        3 ERROR (input errors).
 * @par Thread safety: safe.
 */
VNFO_API int vnfo_report_verdict_exit_code(vnfo_report_verdict verdict);

/** @brief Number of entries.  @par Thread safety: safe while unmodified. */
VNFO_API size_t vnfo_report_entry_count(const vnfo_report *report);

/**
 * @brief The entry at an index (in the order added), or NULL when out of range.
 * @par Thread safety: safe while unmodified.
 */
VNFO_API const vnfo_report_entry *vnfo_report_entry_at(const vnfo_report *report, size_t index);

/**
 * @brief The entry with a name, or NULL.
 * @par Thread safety: safe while unmodified.
 */
VNFO_API const vnfo_report_entry *vnfo_report_entry_find(const vnfo_report *report,
                                                         const char *name);

/** @brief Name of an entry ("" for NULL).  @par Thread safety: safe while unmodified. */
VNFO_API const char *vnfo_report_entry_name(const vnfo_report_entry *entry);
/** @brief Summary of an entry ("" when none).  @par Thread safety: safe while unmodified. */
VNFO_API const char *vnfo_report_entry_summary(const vnfo_report_entry *entry);
/** @brief Verdict of an entry (ERROR for NULL).  @par Thread safety: safe while unmodified. */
VNFO_API vnfo_report_verdict vnfo_report_entry_verdict(const vnfo_report_entry *entry);
/** @brief Category of an entry.  @par Thread safety: safe while unmodified. */
VNFO_API vnfo_report_category vnfo_report_entry_category(const vnfo_report_entry *entry);
/** @brief Examples recorded in total (kept or not).  @par Thread safety: safe while unmodified. */
VNFO_API uint64_t vnfo_report_entry_examples_total(const vnfo_report_entry *entry);

/**
 * @brief The example label at an index among the kept ones.
 * @return VNFO_OK, or VNFO_E_INVALID_ARGUMENT (NULL or out of range).
 * @par Thread safety: safe while unmodified.
 */
VNFO_API vnfo_status vnfo_report_entry_example_at(uint64_t *out, const vnfo_report_entry *entry,
                                                  size_t index);

/**
 * @brief A numeric evidence value by key, as a double (UINT, INT, REAL and
 *        BOOL values; an INTERVAL gives its lower bound).
 * @return VNFO_OK, VNFO_E_NOT_FOUND (no such key, or a TEXT value) or
 *         VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe while unmodified.
 */
VNFO_API vnfo_status vnfo_report_evidence_number(double *out, const vnfo_report_entry *entry,
                                                 const char *key);

/**
 * @brief Render the report as JSON (docs/REPORT.md) into a caller buffer.
 * @param out The buffer, or NULL with @p size 0 to ask for the size.
 * @param size Its size in bytes.
 * @param[out] needed The bytes needed including the final NUL (may be NULL).
 * @param flags 0 or VNFO_REPORT_JSON_COMPACT.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_BUFFER_TOO_SMALL (with
 *         *needed set) or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe while no thread modifies the report.
 */
VNFO_API vnfo_status vnfo_report_render_json(char *out, size_t size, size_t *needed,
                                             const vnfo_report *report, unsigned flags);

/**
 * @brief Render the report as concise text: the first line gives the
 *        overall verdict and counts, then one line per check, with the
 *        evidence and example labels of every check that did not pass.
 * @param flags 0 or VNFO_REPORT_TEXT_VERBOSE.
 * @return As vnfo_report_render_json().
 * @par Thread safety: safe while no thread modifies the report.
 */
VNFO_API vnfo_status vnfo_report_render_text(char *out, size_t size, size_t *needed,
                                             const vnfo_report *report, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_REPORT_H */
