/* The provider's bill (docs/bill.md): strict JSON parsing with jansson, and
 * errors that name file:line:column and the JSON path. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vnfo/bill.h>

#include "internal.h"
#include "jsonpos.h"

#define NAME_MAX_BYTES 64
#define N_RESOURCES 4
#define MAX_RESOURCES 16 /* per totals object: the 4 named ones and vendor counters */
#define VENDOR_PREFIX "vendor:"

static const char *const RESOURCES[N_RESOURCES] = {"packets", "bytes", "cpu_cycles", "mem_bytes"};

struct totals {
    char name[NAME_MAX_BYTES + 1]; /* function name; "" for the chain */
    size_t n;
    char resource[MAX_RESOURCES][NAME_MAX_BYTES + 1]; /* document order */
    uint64_t value[MAX_RESOURCES];
};

struct vnfo_bill {
    char *manifest_id;
    char *provider;
    int64_t start, end;
    struct totals chain;
    struct totals *functions;
    size_t n_functions;
};

/* Where we are while parsing: the document, and the path to the value. */
struct ctx {
    const char *name, *text;
    size_t len;
    struct jsonpos_step path[4];
    size_t depth;
};

unsigned vnfo_bill_format_version(void) { return VNFO_BILL_FORMAT_VERSION; }

static const char *resource_lookup(const char *name)
{
    for (size_t i = 0; i < N_RESOURCES; i++)
        if (strcmp(name, RESOURCES[i]) == 0)
            return RESOURCES[i];
    return NULL;
}

/* "vendor:<name>" names a vendor counter: 1 to 48 of [a-z0-9_.-]. */
static int vendor_name(const char *name)
{
    size_t plen = sizeof VENDOR_PREFIX - 1, n = strlen(name);
    if (strncmp(name, VENDOR_PREFIX, plen) != 0 || n == plen || n > plen + 48)
        return 0;
    return strspn(name + plen, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n - plen;
}

int vnfo_bill_resource_known(const char *name)
{
    return name && (resource_lookup(name) != NULL || vendor_name(name));
}

/* ---- error messages ------------------------------------------------------- */

/* Untrusted text for a message, escaped (src/common/quote.c). */
static const char *quoted(char out[VNFO_QUOTE_SIZE], const char *s)
{
    vnfo__quote(out, VNFO_QUOTE_SIZE, s, strlen(s), 64);
    return out;
}

/* A plain name prints as ".name"; any other member name as ["escaped"]. */
static int plain_name(const char *key)
{
    if (!*key)
        return 0;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == ':' || *p == '.'))
            return 0;
    return 1;
}

static void path_text(char *out, size_t size, const struct ctx *c)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->depth && used < size; i++) {
        char q[VNFO_QUOTE_SIZE];
        const char *key = c->path[i].key;
        int n = !key ? snprintf(out + used, size - used, "[%zu]", c->path[i].index)
              : plain_name(key) ? snprintf(out + used, size - used, "%s%s", i ? "." : "", key)
                                : snprintf(out + used, size - used, "[\"%s\"]", quoted(q, key));
        used += n > 0 ? (size_t)n : 0;
    }
    if (!c->depth)
        snprintf(out, size, "(document)");
}

/* "name:line:col: path: message"; points at the member's key when at_key. */
static vnfo_status fail(const struct ctx *c, vnfo_status status, int at_key, const char *fmt, ...)
    VNFO_PRINTF(4, 5);

static vnfo_status fail(const struct ctx *c, vnfo_status status, int at_key, const char *fmt, ...)
{
    char msg[512], path[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    path_text(path, sizeof path, c);
    int line, col;
    vnfo__json_locate(c->text, c->len, c->path, c->depth, at_key, &line, &col);
    return vnfo__error(status, "%s:%d:%d: %s: %s", c->name, line, col, path, msg);
}

static void push(struct ctx *c, const char *key)
{
    c->path[c->depth].key = key;
    c->path[c->depth++].index = 0;
}

static void pop(struct ctx *c) { c->depth--; }

/* Edit distance, for "did you mean" on a misspelt name (short names only). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[NAME_MAX_BYTES + 2];
    if (la > NAME_MAX_BYTES || lb > NAME_MAX_BYTES)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The closest of `names` within 3 edits, or NULL. */
static const char *closest(const char *name, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = 4;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(name, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}

/* Refuses members of `obj` outside `known`, suggesting the closest name. */
static vnfo_status check_members(struct ctx *c, json_t *obj, const char *const *known, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t i = 0;
        while (i < n && strcmp(key, known[i]) != 0)
            i++;
        if (i < n)
            continue;
        const char *near = closest(key, known, n);
        char q[VNFO_QUOTE_SIZE];
        push(c, key);
        vnfo_status s = near ? fail(c, VNFO_E_BILL_FORMAT, 1, "unknown member \"%s\" (did you mean \"%s\"?)",
                                    quoted(q, key), near)
                             : fail(c, VNFO_E_BILL_FORMAT, 1, "unknown member \"%s\"", quoted(q, key));
        pop(c);
        return s;
    }
    return VNFO_OK;
}

/* ---- values ---------------------------------------------------------------- */

static vnfo_status get_member(json_t **out, struct ctx *c, json_t *obj, const char *key, json_type type,
                              const char *type_name, int required)
{
    *out = json_object_get(obj, key);
    if (!*out) {
        if (!required)
            return VNFO_OK;
        return fail(c, VNFO_E_BILL_FORMAT, 0, "missing member \"%s\" (%s)", key, type_name);
    }
    if (json_typeof(*out) != type) {
        push(c, key);
        vnfo_status s = fail(c, VNFO_E_BILL_FORMAT, 0, "expected %s", type_name);
        pop(c);
        return s;
    }
    return VNFO_OK;
}

static vnfo_status copy_name(char **out, struct ctx *c, json_t *obj, const char *key, int required)
{
    json_t *v;
    vnfo_status s = get_member(&v, c, obj, key, JSON_STRING, "a string", required);
    if (s != VNFO_OK || !v)
        return s;
    size_t n = json_string_length(v);
    if (n == 0 || n > NAME_MAX_BYTES || strlen(json_string_value(v)) != n) {
        push(c, key);
        s = fail(c, VNFO_E_BILL_FORMAT, 0, "expected 1 to %d bytes without NUL", NAME_MAX_BYTES);
        pop(c);
        return s;
    }
    *out = vnfo__strdup(json_string_value(v));
    return *out ? VNFO_OK : vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory", c->name);
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The decimal value of t[0..n), or -1 unless all n are ASCII digits (no sign,
 * space or other form sscanf would take). */
static int digits(const char *t, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return -1;
        v = v * 10 + (t[i] - '0');
    }
    return v;
}

/* RFC 3339 in UTC, seconds precision, exactly the form docs/bill.md names:
 * "YYYY-MM-DDTHH:MM:SSZ", 20 bytes, every digit a digit. */
static int parse_time(int64_t *out, const char *t)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(t) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] != 'd' && t[i] != shape[i])
            return 0;
    int y = digits(t, 4), mo = digits(t + 5, 2), d = digits(t + 8, 2), h = digits(t + 11, 2),
        mi = digits(t + 14, 2), s = digits(t + 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0)
        return 0;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || s > 59)
        return 0;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return 1;
}

static vnfo_status parse_period(vnfo_bill *b, struct ctx *c, json_t *root)
{
    json_t *period, *v;
    vnfo_status s = get_member(&period, c, root, "period", JSON_OBJECT, "an object", 1);
    if (s != VNFO_OK)
        return s;
    push(c, "period");
    static const char *const known[] = {"start", "end"};
    s = check_members(c, period, known, 2);
    int64_t *dst[2] = {&b->start, &b->end};
    for (int i = 0; s == VNFO_OK && i < 2; i++) {
        s = get_member(&v, c, period, known[i], JSON_STRING, "an RFC 3339 UTC time", 1);
        if (s == VNFO_OK && !parse_time(dst[i], json_string_value(v))) {
            char q[VNFO_QUOTE_SIZE];
            vnfo__quote(q, sizeof q, json_string_value(v), json_string_length(v), 64);
            push(c, known[i]);
            s = fail(c, VNFO_E_BILL_FORMAT, 0, "\"%s\" is not a UTC time like 2026-11-01T00:00:00Z", q);
            pop(c);
        }
    }
    if (s == VNFO_OK && b->end <= b->start) {
        push(c, "end");
        s = fail(c, VNFO_E_BILL_FORMAT, 0, "the period ends before it starts");
        pop(c);
    }
    pop(c);
    return s;
}

/* An object of resource -> non-negative integer. */
static vnfo_status parse_totals(struct totals *t, struct ctx *c, json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        push(c, key);
        vnfo_status s = VNFO_OK;
        if (!vnfo_bill_resource_known(key)) {
            const char *near = closest(key, RESOURCES, N_RESOURCES);
            char q[VNFO_QUOTE_SIZE];
            s = fail(c, VNFO_E_BILL_UNKNOWN_RESOURCE, 1,
                     "unknown resource \"%s\"%s%s%s (known: packets, bytes, cpu_cycles, mem_bytes, vendor:<name>)",
                     quoted(q, key), near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
        } else if (!json_is_integer(v) || json_integer_value(v) < 0) {
            s = fail(c, VNFO_E_BILL_FORMAT, 0, "expected a non-negative integer");
        } else if (t->n == MAX_RESOURCES) {
            s = fail(c, VNFO_E_LIMIT_EXCEEDED, 1, "more than %d resources", MAX_RESOURCES);
        }
        pop(c);
        if (s != VNFO_OK)
            return s;
        snprintf(t->resource[t->n], sizeof t->resource[0], "%s", key);
        t->value[t->n++] = (uint64_t)json_integer_value(v);
    }
    if (t->n == 0)
        return fail(c, VNFO_E_BILL_FORMAT, 0, "expected at least one resource");
    return VNFO_OK;
}

static vnfo_status parse_functions(vnfo_bill *b, struct ctx *c, json_t *root)
{
    json_t *fns;
    vnfo_status s = get_member(&fns, c, root, "functions", JSON_OBJECT, "an object", 0);
    if (s != VNFO_OK || !fns)
        return s;
    push(c, "functions");
    size_t n = json_object_size(fns);
    if (n > VNFO_BILL_MAX_FUNCTIONS) {
        s = fail(c, VNFO_E_LIMIT_EXCEEDED, 0, "%zu functions, more than the limit of %d", n,
                 VNFO_BILL_MAX_FUNCTIONS);
        pop(c);
        return s;
    }
    b->functions = vnfo__calloc(n ? n : 1, sizeof *b->functions);
    if (!b->functions) {
        pop(c);
        return vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory", c->name);
    }
    const char *key;
    json_t *v;
    json_object_foreach(fns, key, v) {
        push(c, key);
        if (strlen(key) == 0 || strlen(key) > NAME_MAX_BYTES)
            s = fail(c, VNFO_E_BILL_FORMAT, 1, "function names have 1 to %d bytes", NAME_MAX_BYTES);
        else if (!json_is_object(v))
            s = fail(c, VNFO_E_BILL_FORMAT, 0, "expected an object of resource totals");
        else {
            struct totals *t = &b->functions[b->n_functions++];
            snprintf(t->name, sizeof t->name, "%s", key);
            s = parse_totals(t, c, v);
        }
        pop(c);
        if (s != VNFO_OK)
            break;
    }
    pop(c);
    return s;
}

static vnfo_status parse_root(vnfo_bill *b, struct ctx *c, json_t *root)
{
    static const char *const known[] = {"vnfo_bill", "manifest_id", "provider", "period", "totals",
                                        "functions"};
    if (!json_is_object(root))
        return fail(c, VNFO_E_BILL_FORMAT, 0, "a bill is a JSON object");
    json_t *v;
    vnfo_status s = get_member(&v, c, root, "vnfo_bill", JSON_INTEGER, "the format version 1", 1);
    if (s != VNFO_OK)
        return s;
    if (json_integer_value(v) != VNFO_BILL_FORMAT_VERSION) {
        push(c, "vnfo_bill");
        s = fail(c, json_integer_value(v) > VNFO_BILL_FORMAT_VERSION ? VNFO_E_UNSUPPORTED_VERSION
                                                                     : VNFO_E_BILL_FORMAT,
                 0, "format version %lld; this library reads version %d",
                 (long long)json_integer_value(v), VNFO_BILL_FORMAT_VERSION);
        pop(c);
        return s;
    }
    if ((s = check_members(c, root, known, sizeof known / sizeof known[0])) != VNFO_OK ||
        (s = copy_name(&b->manifest_id, c, root, "manifest_id", 1)) != VNFO_OK ||
        (s = copy_name(&b->provider, c, root, "provider", 0)) != VNFO_OK ||
        (s = parse_period(b, c, root)) != VNFO_OK)
        return s;
    s = get_member(&v, c, root, "totals", JSON_OBJECT, "an object of resource totals", 1);
    if (s != VNFO_OK)
        return s;
    push(c, "totals");
    s = parse_totals(&b->chain, c, v);
    pop(c);
    return s != VNFO_OK ? s : parse_functions(b, c, root);
}

/* Line and column (1-based, columns in characters) of byte offset off. */
static void text_position(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n')
            ++*line, *col = 1;
        else if (((unsigned char)text[i] & 0xc0) != 0x80)
            ++*col;
    }
}

/* A NUL byte is refused where it is (a bill is text), not read as its end. */
static vnfo_status nul_error(const struct ctx *c, size_t off)
{
    int line, col;
    text_position(c->text, off, &line, &col);
    return vnfo__error(VNFO_E_BILL_FORMAT, "%s:%d:%d: NUL byte in a text file (byte %zu)", c->name, line,
                       col, off);
}

/* jansson's error with the place it means and its text escaped: its columns
 * count the characters read, so an undecodable byte (not read) and the end
 * of the input sit one column further than it says, and its `near '...'`
 * quotes raw input. */
static vnfo_status syntax_error(const struct ctx *c, const json_error_t *err)
{
    int line = err->line > 0 ? err->line : 1, col = err->column;
    if (strncmp(err->text, "unable to decode byte", 21) == 0 ||
        strstr(err->text, "near end of file") || col <= 0)
        col++;
    if (col <= 0)
        col = 1;
    char q[VNFO_QUOTE_SIZE];
    vnfo__quote(q, sizeof q, err->text, strlen(err->text), 160);
    return vnfo__error(VNFO_E_BILL_FORMAT, "%s:%d:%d: %s", c->name, line, col, q);
}

vnfo_status vnfo_bill_parse(vnfo_bill **out, const char *text, size_t len, const char *name)
{
    if (out)
        *out = NULL;
    if (!out || (!text && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_bill_parse: NULL argument");
    vnfo__shown_name shown = vnfo__shown(name ? name : "bill"); /* messages show it escaped */
    struct ctx c = {shown.s, text, len, {{0}}, 0};
    if (len > VNFO_BILL_MAX_BYTES)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "%s: %zu bytes, more than the limit of %u",
                           c.name, len, VNFO_BILL_MAX_BYTES);
    if (text && memchr(text, '\0', len))
        return nul_error(&c, (const char *)memchr(text, '\0', len) - text);
    json_error_t err;
    json_t *root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return syntax_error(&c, &err);
    vnfo_bill *b = vnfo__calloc(1, sizeof *b);
    vnfo_status s = b ? parse_root(b, &c, root) : vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory", c.name);
    json_decref(root);
    if (s != VNFO_OK) {
        vnfo_bill_free(b);
        return s;
    }
    *out = b;
    return VNFO_OK;
}

vnfo_status vnfo_bill_load(vnfo_bill **out, const char *path)
{
    if (out)
        *out = NULL;
    if (!out || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_bill_load: NULL argument");
    uint8_t *buf;
    size_t len;
    vnfo_status s = vnfo__file_read(path, VNFO_BILL_MAX_BYTES, &buf, &len);
    if (s != VNFO_OK)
        return s;
    s = vnfo_bill_parse(out, (const char *)buf, len, path);
    vnfo__free(buf);
    return s;
}

void vnfo_bill_free(vnfo_bill *bill)
{
    if (!bill)
        return;
    vnfo__free(bill->manifest_id);
    vnfo__free(bill->provider);
    vnfo__free(bill->functions);
    vnfo__free(bill);
}

/* ---- accessors --------------------------------------------------------------- */

const char *vnfo_bill_manifest_id(const vnfo_bill *bill)
{
    return bill && bill->manifest_id ? bill->manifest_id : "";
}

const char *vnfo_bill_provider(const vnfo_bill *bill)
{
    return bill && bill->provider ? bill->provider : "";
}

vnfo_status vnfo_bill_period(int64_t *out_start, int64_t *out_end, const vnfo_bill *bill)
{
    if (!out_start || !out_end || !bill)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_bill_period: NULL argument");
    *out_start = bill->start;
    *out_end = bill->end;
    return VNFO_OK;
}

static const struct totals *totals_of(const vnfo_bill *bill, const char *function)
{
    if (!bill)
        return NULL;
    if (!function)
        return &bill->chain;
    for (size_t i = 0; i < bill->n_functions; i++)
        if (strcmp(bill->functions[i].name, function) == 0)
            return &bill->functions[i];
    return NULL;
}

vnfo_status vnfo_bill_total(uint64_t *out, const vnfo_bill *bill, const char *function,
                            const char *resource)
{
    if (!out || !bill || !resource)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_bill_total: NULL argument");
    const struct totals *t = totals_of(bill, function);
    for (size_t i = 0; t && i < t->n; i++)
        if (strcmp(t->resource[i], resource) == 0) {
            *out = t->value[i];
            return VNFO_OK;
        }
    return VNFO_E_NOT_FOUND;
}

size_t vnfo_bill_resource_count(const vnfo_bill *bill, const char *function)
{
    const struct totals *t = totals_of(bill, function);
    return t ? t->n : 0;
}

const char *vnfo_bill_resource_at(const vnfo_bill *bill, const char *function, size_t index)
{
    const struct totals *t = totals_of(bill, function);
    return t && index < t->n ? t->resource[index] : NULL;
}

size_t vnfo_bill_function_count(const vnfo_bill *bill) { return bill ? bill->n_functions : 0; }

const char *vnfo_bill_function_at(const vnfo_bill *bill, size_t index)
{
    return bill && index < bill->n_functions ? bill->functions[index].name : NULL;
}
