/* The "chain" section: the functions in order and the nodes that run them. */
#include <string.h>

#include "manifest_internal.h"

static const char *const chain_keys[] = {"name",       "function",   "node_id", "public_key",
                                         "may_modify", "may_drop",   NULL};

static vnfo_status parse_entry(mf_ctx *c, json_t *o, struct mf_function *f)
{
    MF_TRY(mf_expect_object(c, o, chain_keys));
    MF_TRY(mf_identifier(c, o, "name", &f->name));
    if (strcmp(f->name, "chain") == 0) {
        mf_push_key(c, "name");
        return mf_fail(c, VNFO_E_MANIFEST_MALFORMED,
                       "the name \"chain\" is reserved: SLA scopes use it for the whole chain");
    }
    MF_TRY(mf_identifier(c, o, "function", &f->function));
    uint64_t id = 0;
    MF_TRY(mf_uint(c, o, "node_id", true, 0, UINT32_MAX, &id));
    f->node_id = (uint32_t)id;
    MF_TRY(mf_public_key(c, o, "public_key", &f->key));
    int modify = 0;
    MF_TRY(mf_enum(c, o, "may_modify", "modification", mf_modify_names, &modify));
    f->may_modify = (vnfo_manifest_modify)modify;
    return mf_bool(c, o, "may_drop", &f->may_drop);
}

/* Names, node ids and shim keys must each be unique: records are matched
 * to functions by node id and signature key, SLA and billing by name. */
static vnfo_status check_unique(mf_ctx *c, const struct mf_function *chain, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (strcmp(chain[i].name, chain[j].name) == 0) {
            mf_push_key(c, "name");
            return mf_fail(c, VNFO_E_MANIFEST_DUPLICATE, "duplicate name \"%s\" (first at chain[%zu])",
                           chain[i].name, j);
        }
    }
    for (size_t j = 0; j < i; j++) {
        if (chain[i].node_id == chain[j].node_id) {
            mf_push_key(c, "node_id");
            return mf_fail(c, VNFO_E_MANIFEST_DUPLICATE, "duplicate node id %u (first at chain[%zu])",
                           (unsigned)chain[i].node_id, j);
        }
    }
    for (size_t j = 0; j < i; j++) {
        if (vnfo_public_key_equal(&chain[i].key, &chain[j].key)) {
            mf_push_key(c, "public_key");
            return mf_fail(c, VNFO_E_MANIFEST_DUPLICATE,
                           "duplicate public key (first at chain[%zu]): each node signs with its own key",
                           j);
        }
    }
    return VNFO_OK;
}

vnfo_status mf_parse_chain(mf_ctx *c, json_t *root)
{
    json_t *arr;
    size_t n;
    void *items;
    MF_TRY(mf_array_items(c, root, "chain", 1, VNFO_MANIFEST_MAX_FUNCTIONS,
                          sizeof *c->m->chain, &arr, &items, &n));
    c->m->chain = items;
    for (size_t i = 0; i < n; i++) {
        mf_push_index(c, i);
        MF_TRY(parse_entry(c, json_array_get(arr, i), &c->m->chain[i]));
        MF_TRY(check_unique(c, c->m->chain, i));
        c->m->chain_count = i + 1;
        mf_pop(c);
    }
    mf_pop(c);
    return VNFO_OK;
}
