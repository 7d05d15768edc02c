/**
 * @file bill.h
 * @brief The provider's bill: a JSON document (docs/bill.md) with the
 *        billing period, per-resource totals of the whole chain and,
 *        optionally, per-function totals.
 *
 * The verifier compares each billed total with the estimate from the signed,
 * sampled records.  Bills come from the party being checked, so the parser
 * is strict: syntax errors, unknown members, unknown resource names, values
 * that are not non-negative integers and inverted periods are all refused
 * with a message "file:line:column: json.path: what is wrong".
 */
#ifndef VNFO_BILL_H
#define VNFO_BILL_H

#include <vnfo/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the bill format this library reads (the "vnfo_bill" member). */
#define VNFO_BILL_FORMAT_VERSION 1
/** Largest bill file accepted, in bytes. */
#define VNFO_BILL_MAX_BYTES (1u << 20)
/** Most functions a bill may list. */
#define VNFO_BILL_MAX_FUNCTIONS 64

/** A parsed bill (opaque, immutable once parsed). */
typedef struct vnfo_bill vnfo_bill;

/** @brief VNFO_BILL_FORMAT_VERSION, for FFI.  @par Thread safety: safe. */
VNFO_API unsigned vnfo_bill_format_version(void);

/**
 * @brief Whether a resource name is one a bill may use: "packets",
 *        "bytes", "cpu_cycles", "mem_bytes" or "vendor:<name>" (a vendor
 *        counter, 1 to 48 of a-z 0-9 _ . -), as in the manifest.
 * @return 1 or 0.
 * @par Thread safety: safe.
 */
VNFO_API int vnfo_bill_resource_known(const char *name);

/**
 * @brief Parse a bill from a buffer.
 * @param[out] out The bill; NULL on failure.
 * @param text The JSON text (need not be NUL-terminated).
 * @param len Its length in bytes, at most VNFO_BILL_MAX_BYTES.
 * @param name The name used in messages (a file name), or NULL for "bill".
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_LIMIT_EXCEEDED,
 *         VNFO_E_BILL_FORMAT (syntax, missing or mistyped member, unknown
 *         member, inverted period), VNFO_E_BILL_UNKNOWN_RESOURCE,
 *         VNFO_E_UNSUPPORTED_VERSION (a newer "vnfo_bill") or
 *         VNFO_E_NO_MEMORY; the message names file:line:column and the path.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_bill_parse(vnfo_bill **out, const char *text, size_t len,
                                     const char *name);

/**
 * @brief Read and parse a bill file.
 * @return As vnfo_bill_parse(), plus VNFO_E_NOT_FOUND and VNFO_E_IO.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_bill_load(vnfo_bill **out, const char *path);

/** @brief Free a bill.  Accepts NULL.  @par Thread safety: per handle. */
VNFO_API void vnfo_bill_free(vnfo_bill *bill);

/** @brief The manifest id the bill names ("" for NULL).  @par Thread safety: safe. */
VNFO_API const char *vnfo_bill_manifest_id(const vnfo_bill *bill);

/** @brief The provider name, or "" when absent.  @par Thread safety: safe. */
VNFO_API const char *vnfo_bill_provider(const vnfo_bill *bill);

/**
 * @brief The billing period in seconds since the Unix epoch (UTC); start is
 *        inclusive, end exclusive.
 * @param[out] out_start Start.
 * @param[out] out_end End.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_bill_period(int64_t *out_start, int64_t *out_end, const vnfo_bill *bill);

/**
 * @brief A billed total.
 * @param function NULL for the chain's totals, or a function (chain entry)
 *        name for its per-function totals.
 * @param resource A resource name.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_NOT_FOUND (the bill
 *         does not list it; no message is recorded).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_bill_total(uint64_t *out, const vnfo_bill *bill, const char *function,
                                     const char *resource);

/**
 * @brief Number of resources in the chain totals (function NULL) or in a
 *        function's totals (0 when the function is not listed).
 * @par Thread safety: safe.
 */
VNFO_API size_t vnfo_bill_resource_count(const vnfo_bill *bill, const char *function);

/**
 * @brief Name of the resource at an index, in document order, or NULL.
 * @par Thread safety: safe.
 */
VNFO_API const char *vnfo_bill_resource_at(const vnfo_bill *bill, const char *function,
                                           size_t index);

/** @brief Number of functions with their own totals.  @par Thread safety: safe. */
VNFO_API size_t vnfo_bill_function_count(const vnfo_bill *bill);

/** @brief Name of the function at an index, in document order, or NULL.  @par Thread safety: safe. */
VNFO_API const char *vnfo_bill_function_at(const vnfo_bill *bill, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_BILL_H */
