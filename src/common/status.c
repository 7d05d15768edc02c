/* Status names and the thread-local last-error record. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct status_entry {
    vnfo_status status;
    const char *name;
    const char *text;
};

/* One table, grouped by module block as in common.h.  Lookup is linear: it
 * only runs on error paths. */
static const struct status_entry status_table[] = {
    {VNFO_OK, "VNFO_OK", "success"},

    /* common */
    {VNFO_E_INVALID_ARGUMENT, "VNFO_E_INVALID_ARGUMENT", "invalid argument"},
    {VNFO_E_NO_MEMORY, "VNFO_E_NO_MEMORY", "out of memory"},
    {VNFO_E_BUFFER_TOO_SMALL, "VNFO_E_BUFFER_TOO_SMALL", "output buffer too small"},
    {VNFO_E_IO, "VNFO_E_IO", "input/output error"},
    {VNFO_E_NOT_FOUND, "VNFO_E_NOT_FOUND", "not found"},
    {VNFO_E_UNSUPPORTED_VERSION, "VNFO_E_UNSUPPORTED_VERSION", "format version newer than this library reads"},
    {VNFO_E_LIMIT_EXCEEDED, "VNFO_E_LIMIT_EXCEEDED", "input exceeds a size, count or depth limit"},
    {VNFO_E_CRYPTO, "VNFO_E_CRYPTO", "cryptographic library failure"},
    {VNFO_E_STRUCT_VERSION, "VNFO_E_STRUCT_VERSION", "unknown options struct version"},
    {VNFO_E_OVERFLOW, "VNFO_E_OVERFLOW", "arithmetic overflow"},
    {VNFO_E_NOT_INITIALIZED, "VNFO_E_NOT_INITIALIZED", "vnfo_init() has not succeeded"},
    {VNFO_E_NOT_REGULAR_FILE, "VNFO_E_NOT_REGULAR_FILE", "not a regular file"},

    /* packet */
    {VNFO_E_PACKET_NOT_IP, "VNFO_E_PACKET_NOT_IP", "packet carries neither IPv4 nor IPv6"},
    {VNFO_E_PACKET_TRUNCATED, "VNFO_E_PACKET_TRUNCATED", "captured packet is truncated"},
    {VNFO_E_PACKET_MALFORMED, "VNFO_E_PACKET_MALFORMED", "malformed packet headers"},
    {VNFO_E_PACKET_UNSUPPORTED, "VNFO_E_PACKET_UNSUPPORTED", "unsupported link type or encapsulation"},
    {VNFO_E_PACKET_FIELD_UNKNOWN, "VNFO_E_PACKET_FIELD_UNKNOWN", "unknown packet field name"},

    /* sampler */
    {VNFO_E_SAMPLER_HASH_UNKNOWN, "VNFO_E_SAMPLER_HASH_UNKNOWN", "unknown sampling hash function"},
    {VNFO_E_SAMPLER_RATE, "VNFO_E_SAMPLER_RATE", "invalid sampling rate"},
    {VNFO_E_SAMPLER_RANGES, "VNFO_E_SAMPLER_RANGES", "invalid selection ranges"},

    /* record */
    {VNFO_E_RECORD_MALFORMED, "VNFO_E_RECORD_MALFORMED", "malformed record"},
    {VNFO_E_RECORD_NONCANONICAL, "VNFO_E_RECORD_NONCANONICAL", "record is not canonically encoded"},
    {VNFO_E_RECORD_UNKNOWN_TYPE, "VNFO_E_RECORD_UNKNOWN_TYPE", "unknown record type"},

    /* log */
    {VNFO_E_LOG_MALFORMED, "VNFO_E_LOG_MALFORMED", "malformed batch or log file"},
    {VNFO_E_LOG_BROKEN_CHAIN, "VNFO_E_LOG_BROKEN_CHAIN", "batch does not link to the previous batch"},
    {VNFO_E_LOG_SEQUENCE_GAP, "VNFO_E_LOG_SEQUENCE_GAP", "records missing from the sequence"},
    {VNFO_E_LOG_DUPLICATE, "VNFO_E_LOG_DUPLICATE", "duplicated or replayed batch"},
    {VNFO_E_LOG_REORDERED, "VNFO_E_LOG_REORDERED", "batch out of order"},
    {VNFO_E_LOG_TRUNCATED, "VNFO_E_LOG_TRUNCATED", "log ends inside a batch"},
    {VNFO_E_LOG_MANIFEST_MISMATCH, "VNFO_E_LOG_MANIFEST_MISMATCH", "batch names another manifest"},
    {VNFO_E_LOG_ROOT_MISMATCH, "VNFO_E_LOG_ROOT_MISMATCH", "records do not match the signed Merkle root"},
    {VNFO_E_LOG_NODE_MISMATCH, "VNFO_E_LOG_NODE_MISMATCH", "batch from an unexpected node"},
    {VNFO_E_LOG_SINK, "VNFO_E_LOG_SINK", "log sink failed; records lost"},
    {VNFO_E_LOG_PROOF_INVALID, "VNFO_E_LOG_PROOF_INVALID", "inclusion proof does not verify"},

    /* manifest */
    {VNFO_E_MANIFEST_SYNTAX, "VNFO_E_MANIFEST_SYNTAX", "manifest is not valid JSON"},
    {VNFO_E_MANIFEST_TYPE, "VNFO_E_MANIFEST_TYPE", "manifest value has the wrong type"},
    {VNFO_E_MANIFEST_MISSING, "VNFO_E_MANIFEST_MISSING", "required manifest key is missing"},
    {VNFO_E_MANIFEST_UNKNOWN_KEY, "VNFO_E_MANIFEST_UNKNOWN_KEY", "unknown manifest key"},
    {VNFO_E_MANIFEST_UNKNOWN_NAME, "VNFO_E_MANIFEST_UNKNOWN_NAME", "unknown name in manifest"},
    {VNFO_E_MANIFEST_DUPLICATE, "VNFO_E_MANIFEST_DUPLICATE", "duplicate manifest entry"},
    {VNFO_E_MANIFEST_RANGE, "VNFO_E_MANIFEST_RANGE", "manifest value out of range"},
    {VNFO_E_MANIFEST_MALFORMED, "VNFO_E_MANIFEST_MALFORMED", "malformed manifest value"},
    {VNFO_E_MANIFEST_INCONSISTENT, "VNFO_E_MANIFEST_INCONSISTENT", "inconsistent manifest values"},
    {VNFO_E_MANIFEST_KEY_MISMATCH, "VNFO_E_MANIFEST_KEY_MISMATCH", "sampling key does not match the manifest commitment"},
    {VNFO_E_MANIFEST_PARTY_MISMATCH, "VNFO_E_MANIFEST_PARTY_MISMATCH", "key is not the manifest party's key"},
    {VNFO_E_MANIFEST_DIGEST_MISMATCH, "VNFO_E_MANIFEST_DIGEST_MISMATCH", "signature file is for a different manifest"},
    {VNFO_E_MANIFEST_SIGNATURE_FORMAT, "VNFO_E_MANIFEST_SIGNATURE_FORMAT", "malformed manifest signature file"},

    /* flowtag */
    {VNFO_E_FLOWTAG_FULL, "VNFO_E_FLOWTAG_FULL", "tag table full"},
    {VNFO_E_FLOWTAG_UNKNOWN, "VNFO_E_FLOWTAG_UNKNOWN", "tag not bound to any flow"},
    {VNFO_E_FLOWTAG_WIDTH, "VNFO_E_FLOWTAG_WIDTH", "carrier too narrow for the tag width"},
    {VNFO_E_FLOWTAG_CARRIER, "VNFO_E_FLOWTAG_CARRIER", "tag carrier missing, truncated or malformed"},
    {VNFO_E_FLOWTAG_FORMAT, "VNFO_E_FLOWTAG_FORMAT", "malformed serialised tag table"},
    {VNFO_E_FLOWTAG_CONFLICT, "VNFO_E_FLOWTAG_CONFLICT", "tag bound to two origin flows at once"},
    {VNFO_E_FLOWTAG_REWRITE_FORBIDDEN, "VNFO_E_FLOWTAG_REWRITE_FORBIDDEN", "headers rewritten by a function not allowed to"},

    /* account */
    {VNFO_E_ACCOUNT_PROBABILITY, "VNFO_E_ACCOUNT_PROBABILITY", "sampling probability is 0 or above 1"},
    {VNFO_E_ACCOUNT_EMPTY, "VNFO_E_ACCOUNT_EMPTY", "no sampled values"},
    {VNFO_E_ACCOUNT_VALUE, "VNFO_E_ACCOUNT_VALUE", "negative or non-integer value"},
    {VNFO_E_ACCOUNT_SLACK, "VNFO_E_ACCOUNT_SLACK", "slack is NaN, infinite or negative"},
    {VNFO_E_ACCOUNT_CONFIDENCE, "VNFO_E_ACCOUNT_CONFIDENCE", "confidence not strictly between 0 and 1"},
    {VNFO_E_ACCOUNT_MISMATCH, "VNFO_E_ACCOUNT_MISMATCH", "accumulators of different resource, scope or configuration"},
    {VNFO_E_ACCOUNT_FORMAT, "VNFO_E_ACCOUNT_FORMAT", "malformed serialised accumulator"},
    {VNFO_E_ACCOUNT_BOUND, "VNFO_E_ACCOUNT_BOUND", "sampled value above the per-packet maximum"},
    {VNFO_E_ACCOUNT_NO_CONVERGENCE, "VNFO_E_ACCOUNT_NO_CONVERGENCE", "special function did not converge"},

    /* verify and report */
    {VNFO_E_BILL_FORMAT, "VNFO_E_BILL_FORMAT", "malformed bill"},
    {VNFO_E_BILL_UNKNOWN_RESOURCE, "VNFO_E_BILL_UNKNOWN_RESOURCE", "bill names an unknown resource"},
    {VNFO_E_BILL_MISMATCH, "VNFO_E_BILL_MISMATCH", "bill does not match the manifest"},
    {VNFO_E_VERIFY_MISSING_LOG, "VNFO_E_VERIFY_MISSING_LOG", "a chain function has no log"},

    /* key */
    {VNFO_E_KEY_FORMAT, "VNFO_E_KEY_FORMAT", "malformed key or key file"},
    {VNFO_E_SIGNATURE_INVALID, "VNFO_E_SIGNATURE_INVALID", "signature does not verify"},
    {VNFO_E_KEY_PERMISSIONS, "VNFO_E_KEY_PERMISSIONS", "secret key file is readable by others"},
};

static const struct status_entry *status_find(vnfo_status status)
{
    for (size_t i = 0; i < sizeof status_table / sizeof status_table[0]; i++)
        if (status_table[i].status == status)
            return &status_table[i];
    return NULL;
}

const char *vnfo_status_name(vnfo_status status)
{
    const struct status_entry *e = status_find(status);
    return e ? e->name : "VNFO_E_UNKNOWN";
}

const char *vnfo_strerror(vnfo_status status)
{
    const struct status_entry *e = status_find(status);
    return e ? e->text : "unknown status";
}

/* ---- thread-local last error ------------------------------------------ */

#define ERROR_MESSAGE_MAX 512

static _Thread_local vnfo_status last_status;
static _Thread_local char last_message[ERROR_MESSAGE_MAX];

/* A message cut at the buffer's end must not end in part of a UTF-8
 * sequence (escaped names keep their valid UTF-8): drop the partial one. */
static void trim_partial_utf8(char *msg, size_t len)
{
    size_t start = len;
    while (start > 0 && start + 4 > len && ((unsigned char)msg[start - 1] & 0xc0) == 0x80)
        start--;
    if (start == 0 || ((unsigned char)msg[start - 1] & 0xc0) != 0xc0)
        return;
    unsigned char lead = (unsigned char)msg[start - 1];
    size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (len - (start - 1) < want)
        msg[start - 1] = '\0';
}

vnfo_status vnfo__verror(vnfo_status status, const char *fmt, va_list ap)
{
    last_status = status;
    int n;
    if (fmt)
        n = vsnprintf(last_message, sizeof last_message, fmt, ap);
    else
        n = snprintf(last_message, sizeof last_message, "%s", vnfo_strerror(status));
    if (n >= (int)sizeof last_message)
        trim_partial_utf8(last_message, sizeof last_message - 1);
    return status;
}

vnfo_status vnfo__error(vnfo_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vnfo__verror(status, fmt, ap);
    va_end(ap);
    return status;
}

const char *vnfo_error_message(void)
{
    return last_message;
}

vnfo_status vnfo_error_status(void)
{
    return last_status;
}

void vnfo_error_clear(void)
{
    last_status = VNFO_OK;
    last_message[0] = '\0';
}
