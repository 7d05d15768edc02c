/* Typed readers for manifest values: each checks presence, JSON type and
 * basic form, and reports failures at the value's own position. */
#include <stdio.h>
#include <string.h>

#include "manifest_internal.h"

#define STRING_MAX 256
#define IDENT_MAX 64
#define VENDOR_MAX 32

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static vnfo_status type_error(mf_ctx *c, const char *expected, const json_t *v)
{
    return mf_fail(c, VNFO_E_MANIFEST_TYPE, "expected %s, found %s", expected, type_name(v));
}

static vnfo_status missing(mf_ctx *c, const char *key)
{
    return mf_fail(c, VNFO_E_MANIFEST_MISSING, "missing required key \"%s\"", key);
}

/* "comment" is allowed in every object: a string or an array of strings. */
static vnfo_status check_comment(mf_ctx *c, json_t *v)
{
    if (json_is_string(v))
        return VNFO_OK;
    if (!json_is_array(v))
        return type_error(c, "a string or an array of strings", v);
    size_t i;
    json_t *line;
    json_array_foreach(v, i, line)
    {
        if (!json_is_string(line)) {
            mf_push_index(c, i);
            return type_error(c, "a string", line);
        }
    }
    return VNFO_OK;
}

vnfo_status mf_keys_check(mf_ctx *c, json_t *obj, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        mf_push_key(c, key);
        if (strcmp(key, "comment") == 0) {
            MF_TRY(check_comment(c, v));
            mf_pop(c);
            continue;
        }
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(key, *k) == 0;
        if (!ok) {
            const char *best = mf_suggest(key, known);
            if (best)
                return mf_fail_key(c, VNFO_E_MANIFEST_UNKNOWN_KEY,
                                   "unknown key (did you mean \"%s\"?)", best);
            char list[512];
            mf_join(list, sizeof list, known);
            return mf_fail_key(c, VNFO_E_MANIFEST_UNKNOWN_KEY, "unknown key (expected one of: %s)",
                               list);
        }
        mf_pop(c);
    }
    return VNFO_OK;
}

vnfo_status mf_expect_object(mf_ctx *c, json_t *v, const char *const *known)
{
    if (!json_is_object(v))
        return type_error(c, "an object", v);
    return mf_keys_check(c, v, known);
}

vnfo_status mf_object(mf_ctx *c, json_t *parent, const char *key, bool required, json_t **out)
{
    *out = json_object_get(parent, key);
    if (!*out)
        return required ? missing(c, key) : VNFO_OK;
    mf_push_key(c, key);
    if (!json_is_object(*out))
        return type_error(c, "an object", *out);
    return VNFO_OK; /* the key stays pushed: the caller descends and pops */
}

vnfo_status mf_array(mf_ctx *c, json_t *parent, const char *key, size_t min, size_t max,
                     json_t **out)
{
    *out = json_object_get(parent, key);
    if (!*out)
        return missing(c, key);
    mf_push_key(c, key);
    if (!json_is_array(*out))
        return type_error(c, "an array", *out);
    size_t n = json_array_size(*out);
    if (n > max)
        return mf_fail(c, VNFO_E_LIMIT_EXCEEDED, "%zu entries, more than the limit of %zu", n, max);
    if (n < min)
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "expected at least %zu entr%s, found %zu", min,
                       min == 1 ? "y" : "ies", n);
    return VNFO_OK; /* the key stays pushed: the caller descends and pops */
}

vnfo_status mf_array_items(mf_ctx *c, json_t *parent, const char *key, size_t min, size_t max,
                           size_t item_size, json_t **out_arr, void **out_items, size_t *out_n)
{
    *out_items = NULL;
    *out_n = 0;
    MF_TRY(mf_array(c, parent, key, min, max, out_arr));
    size_t n = json_array_size(*out_arr);
    *out_items = vnfo__calloc(n, item_size); /* n <= max: bounded by the limit just checked */
    if (!*out_items)
        return vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory", c->name);
    *out_n = n;
    return VNFO_OK;
}

/* Looks up a required value and pushes its key. */
static vnfo_status get(mf_ctx *c, json_t *obj, const char *key, json_t **out)
{
    *out = json_object_get(obj, key);
    if (!*out)
        return missing(c, key);
    mf_push_key(c, key);
    return VNFO_OK;
}

vnfo_status mf_string(mf_ctx *c, json_t *obj, const char *key, const char **out)
{
    json_t *v;
    MF_TRY(get(c, obj, key, &v));
    if (!json_is_string(v))
        return type_error(c, "a string", v);
    size_t n = json_string_length(v);
    if (n == 0 || n > STRING_MAX)
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "expected a string of 1 to %d bytes, found %zu bytes", STRING_MAX, n);
    *out = json_string_value(v);
    mf_pop(c);
    return VNFO_OK;
}

static bool ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '.' || ch == '-';
}

vnfo_status mf_identifier(mf_ctx *c, json_t *obj, const char *key, const char **out)
{
    json_t *v;
    MF_TRY(get(c, obj, key, &v));
    if (!json_is_string(v))
        return type_error(c, "a string", v);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    bool ok = n >= 1 && n <= IDENT_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = ident_char(s[i]);
    if (!ok) {
        char q[MF_QUOTE_SIZE];
        mf_quote(q, sizeof q, s);
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "malformed name \"%s\": expected 1 to %d characters from A-Z a-z 0-9 _ . -",
                       q, IDENT_MAX);
    }
    *out = s;
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_uint(mf_ctx *c, json_t *obj, const char *key, bool required, uint64_t min,
                    uint64_t max, uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v && !required)
        return VNFO_OK;
    MF_TRY(get(c, obj, key, &v));
    if (!json_is_integer(v))
        return type_error(c, "an integer", v);
    json_int_t x = json_integer_value(v);
    if (x < 0 || (uint64_t)x < min || (uint64_t)x > max)
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "expected an integer from %llu to %llu, found %lld",
                       (unsigned long long)min, (unsigned long long)max, (long long)x);
    *out = (uint64_t)x;
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_bool(mf_ctx *c, json_t *obj, const char *key, bool *out)
{
    json_t *v;
    MF_TRY(get(c, obj, key, &v));
    if (!json_is_boolean(v))
        return type_error(c, "true or false", v);
    *out = json_is_true(v);
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_number(mf_ctx *c, json_t *obj, const char *key, bool *found, double *out)
{
    json_t *v = json_object_get(obj, key);
    if (found)
        *found = v != NULL;
    if (!v && found)
        return VNFO_OK;
    MF_TRY(get(c, obj, key, &v));
    if (!json_is_number(v))
        return type_error(c, "a number", v);
    double d = json_number_value(v);
    *out = d == 0 ? 0.0 : d; /* one zero: -0 and 0 digest alike */
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_enum_value(mf_ctx *c, json_t *v, const char *what, const char *const *names,
                          int *out)
{
    if (!json_is_string(v))
        return type_error(c, "a string", v);
    const char *s = json_string_value(v);
    for (int i = 0; names[i]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return VNFO_OK;
        }
    }
    char q[MF_QUOTE_SIZE];
    mf_quote(q, sizeof q, s);
    const char *best = mf_suggest(s, names);
    if (best)
        return mf_fail(c, VNFO_E_MANIFEST_UNKNOWN_NAME, "unknown %s \"%s\" (did you mean \"%s\"?)",
                       what, q, best);
    char list[512];
    mf_join(list, sizeof list, names);
    return mf_fail(c, VNFO_E_MANIFEST_UNKNOWN_NAME, "unknown %s \"%s\" (expected one of: %s)", what,
                   q, list);
}

vnfo_status mf_enum(mf_ctx *c, json_t *obj, const char *key, const char *what,
                    const char *const *names, int *out)
{
    json_t *v;
    MF_TRY(get(c, obj, key, &v));
    MF_TRY(mf_enum_value(c, v, what, names, out));
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_type_error(mf_ctx *c, const char *expected, const json_t *v)
{
    return type_error(c, expected, v);
}

vnfo_status mf_public_key(mf_ctx *c, json_t *obj, const char *key, vnfo_public_key *out)
{
    json_t *v;
    MF_TRY(get(c, obj, key, &v));
    if (!json_is_string(v))
        return type_error(c, "a string", v);
    const char *s = json_string_value(v);
    if (strncmp(s, "ed25519:", 8) != 0)
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "malformed public key: expected \"ed25519:\" and the base64 of 32 bytes");
    if (vnfo_public_key_parse(out, s) != VNFO_OK)
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "malformed public key: expected the base64 of 32 bytes after \"ed25519:\"");
    mf_pop(c);
    return VNFO_OK;
}

static bool vendor_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
           ch == '-';
}

vnfo_status mf_resource_parse(mf_ctx *c, const char *text, bool at_key, struct mf_resource *out)
{
    vnfo_status (*fail)(mf_ctx *, vnfo_status, const char *, ...) = at_key ? mf_fail_key : mf_fail;
    char q[MF_QUOTE_SIZE];
    mf_quote(q, sizeof q, text);
    out->name = text;
    if (strncmp(text, "vendor:", 7) == 0) {
        size_t n = strlen(text + 7);
        bool ok = n >= 1 && n <= VENDOR_MAX;
        for (size_t i = 0; ok && i < n; i++)
            ok = vendor_char(text[7 + i]);
        if (!ok)
            return fail(c, VNFO_E_MANIFEST_MALFORMED,
                        "malformed vendor counter \"%s\": expected \"vendor:\" and 1 to %d "
                        "characters from a-z 0-9 _ . -", q, VENDOR_MAX);
        out->kind = VNFO_MANIFEST_RESOURCE_VENDOR;
        return VNFO_OK;
    }
    for (int i = 0; mf_resource_names[i]; i++) {
        if (strcmp(text, mf_resource_names[i]) == 0) {
            out->kind = (vnfo_manifest_resource)i;
            return VNFO_OK;
        }
    }
    const char *best = mf_suggest(text, mf_resource_names);
    if (best)
        return fail(c, VNFO_E_MANIFEST_UNKNOWN_NAME, "unknown resource \"%s\" (did you mean \"%s\"?)",
                    q, best);
    char list[256];
    mf_join(list, sizeof list, mf_resource_names);
    return fail(c, VNFO_E_MANIFEST_UNKNOWN_NAME,
                "unknown resource \"%s\" (expected one of: %s, vendor:<name>)", q, list);
}

vnfo_status mf_function_ref(mf_ctx *c, const char *name, size_t *out)
{
    const char *names[VNFO_MANIFEST_MAX_FUNCTIONS + 2];
    size_t n = c->m->chain_count;
    for (size_t i = 0; i < n; i++) {
        names[i] = c->m->chain[i].name;
        if (strcmp(name, names[i]) == 0) {
            *out = i;
            return VNFO_OK;
        }
    }
    names[n] = NULL;
    char q[MF_QUOTE_SIZE];
    mf_quote(q, sizeof q, name);
    const char *best = mf_suggest(name, names);
    if (best)
        return mf_fail(c, VNFO_E_MANIFEST_UNKNOWN_NAME,
                       "unknown function \"%s\" (did you mean \"%s\"?)", q, best);
    char list[1024];
    mf_join(list, sizeof list, names);
    return mf_fail(c, VNFO_E_MANIFEST_UNKNOWN_NAME,
                   "unknown function \"%s\" (expected a chain name: %s)", q, list);
}
