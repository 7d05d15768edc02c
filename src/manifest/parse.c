/* Manifest entry points: limits, JSON syntax, schema version, the top-level
 * object and the parties; the sections live in parse_*.c. */
#include <string.h>

#include "manifest_internal.h"

static const char *const top_keys[] = {
    "vnfo_manifest", "id", "customer", "provider", "chain", "sampling", "logging",
    "flowtags", "sla", "billing", "verification", NULL,
};
static const char *const party_keys[] = {"name", "public_key", NULL};

size_t vnfo_manifest_digest_bytes(void) { return VNFO_MANIFEST_DIGEST_BYTES; }
size_t vnfo_manifest_signature_bytes(void) { return VNFO_MANIFEST_SIGNATURE_BYTES; }
size_t vnfo_manifest_commitment_bytes(void) { return VNFO_MANIFEST_COMMITMENT_BYTES; }
unsigned vnfo_manifest_schema_version(void) { return VNFO_MANIFEST_SCHEMA_VERSION; }
size_t vnfo_manifest_max_bytes(void) { return VNFO_MANIFEST_MAX_BYTES; }
size_t vnfo_manifest_signature_text_size(void) { return VNFO_MANIFEST_SIGNATURE_TEXT_SIZE; }

/* The version comes first: a newer manifest may use keys this library does
 * not know, and "unsupported version" is the useful message then. */
static vnfo_status parse_version(mf_ctx *c, json_t *root)
{
    json_t *v = json_object_get(root, "vnfo_manifest");
    if (!v)
        return mf_fail(c, VNFO_E_MANIFEST_MISSING,
                       "missing required key \"vnfo_manifest\" (the schema version, %d)",
                       VNFO_MANIFEST_SCHEMA_VERSION);
    mf_push_key(c, "vnfo_manifest");
    if (!json_is_integer(v))
        return mf_type_error(c, "an integer", v);
    json_int_t ver = json_integer_value(v);
    if (ver > VNFO_MANIFEST_SCHEMA_VERSION)
        return mf_fail(c, VNFO_E_UNSUPPORTED_VERSION,
                       "schema version %lld is newer than this library reads (%d)", (long long)ver,
                       VNFO_MANIFEST_SCHEMA_VERSION);
    if (ver < 1)
        return mf_fail(c, VNFO_E_MANIFEST_RANGE, "expected schema version %d, found %lld",
                       VNFO_MANIFEST_SCHEMA_VERSION, (long long)ver);
    c->m->version = (unsigned)ver;
    mf_pop(c);
    return VNFO_OK;
}

static vnfo_status parse_party(mf_ctx *c, json_t *root, const char *key, struct mf_party *out)
{
    json_t *o;
    MF_TRY(mf_object(c, root, key, true, &o));
    MF_TRY(mf_keys_check(c, o, party_keys));
    MF_TRY(mf_identifier(c, o, "name", &out->name));
    MF_TRY(mf_public_key(c, o, "public_key", &out->key));
    mf_pop(c);
    return VNFO_OK;
}

vnfo_status mf_parse_parties(mf_ctx *c, json_t *root)
{
    MF_TRY(parse_party(c, root, "customer", &c->m->party[VNFO_MANIFEST_PARTY_CUSTOMER]));
    return parse_party(c, root, "provider", &c->m->party[VNFO_MANIFEST_PARTY_PROVIDER]);
}

static vnfo_status parse_root(mf_ctx *c, json_t *root)
{
    if (!json_is_object(root))
        return mf_type_error(c, "an object", root);
    /* Without a version, a misspelt "vnfo_manifest" is the likely cause:
     * report the unknown key, with its suggestion, first. */
    if (!json_object_get(root, "vnfo_manifest"))
        MF_TRY(mf_keys_check(c, root, top_keys));
    MF_TRY(parse_version(c, root));
    MF_TRY(mf_keys_check(c, root, top_keys));
    MF_TRY(mf_identifier(c, root, "id", &c->m->id));
    MF_TRY(mf_parse_parties(c, root));
    MF_TRY(mf_parse_chain(c, root));
    MF_TRY(mf_parse_sampling(c, root));
    MF_TRY(mf_parse_logging(c, root));
    MF_TRY(mf_parse_flowtags(c, root));
    MF_TRY(mf_parse_sla(c, root));
    MF_TRY(mf_parse_billing(c, root));
    return mf_parse_verification(c, root);
}

static vnfo_status load_json(mf_ctx *c, json_t **out)
{
    json_error_t e;
    *out = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &e);
    if (!*out) {
        if (json_error_code(&e) == json_error_out_of_memory)
            return vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory while parsing", c->name);
        /* jansson's text quotes the offending input ("near '<bytes>'"), raw. */
        char why[VNFO_QUOTE_SIZE];
        vnfo__quote(why, sizeof why, e.text, strlen(e.text), 160);
        return mf_fail_at(c, VNFO_E_MANIFEST_SYNTAX, (unsigned long)(e.line > 0 ? e.line : 1),
                          (unsigned long)(e.column > 0 ? e.column : 1), "invalid JSON: %s", why);
    }
    size_t off;
    if (!mf_depth_ok(c->text, c->len, VNFO_MANIFEST_MAX_DEPTH, &off)) {
        unsigned long line, col;
        mf_line_column(c->text, off, &line, &col);
        json_decref(*out);
        *out = NULL;
        return mf_fail_at(c, VNFO_E_LIMIT_EXCEEDED, line, col,
                          "nesting deeper than the limit of %d levels", VNFO_MANIFEST_MAX_DEPTH);
    }
    return VNFO_OK;
}

vnfo_status vnfo_manifest_parse(vnfo_manifest **out, const char *text, size_t len,
                                const char *name)
{
    mf_error_reset();
    if (!out || (!text && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_parse: NULL argument");
    *out = NULL;
    /* The name is the caller's (a file name a provider may choose): every
     * message shows it escaped. */
    vnfo__shown_name shown = vnfo__shown(name ? name : "<buffer>");
    mf_ctx c = {.name = shown.s, .text = text ? text : "", .len = len};
    if (len > VNFO_MANIFEST_MAX_BYTES)
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "%s: %zu bytes, more than the limit of %d",
                           c.name, len, VNFO_MANIFEST_MAX_BYTES);
    json_t *root;
    MF_TRY(load_json(&c, &root));
    c.m = vnfo__calloc(1, sizeof *c.m);
    if (!c.m) {
        json_decref(root);
        return vnfo__error(VNFO_E_NO_MEMORY, "%s: out of memory", c.name);
    }
    c.m->root = root;
    vnfo_status s = parse_root(&c, root);
    if (s == VNFO_OK)
        s = mf_digest(c.m);
    if (s != VNFO_OK) {
        vnfo_manifest_free(c.m);
        return s;
    }
    *out = c.m;
    return VNFO_OK;
}

vnfo_status vnfo_manifest_load(vnfo_manifest **out, const char *path)
{
    mf_error_reset();
    if (!out || !path)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_manifest_load: NULL argument");
    *out = NULL;
    uint8_t *buf;
    size_t len;
    MF_TRY(vnfo__file_read(path, VNFO_MANIFEST_MAX_BYTES, &buf, &len));
    vnfo_status s = vnfo_manifest_parse(out, (const char *)buf, len, path);
    vnfo__free(buf);
    return s;
}

void vnfo_manifest_free(vnfo_manifest *m)
{
    if (!m)
        return;
    vnfo__free(m->chain);
    vnfo__free(m->sampling.ranges);
    vnfo__free(m->sampling.custom);
    vnfo__free(m->sla);
    vnfo__free(m->billing.items);
    vnfo__free(m->verification.minimality);
    json_decref(m->root);
    vnfo__free(m);
}
