/* RFC 6962 inclusion proofs (audit paths) of one record of a batch. */
#include <string.h>

#include "log/log_internal.h"

/* Largest power of two strictly smaller than n (n >= 2): RFC 6962's split. */
static size_t split_point(size_t n)
{
    size_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

/* MTH over leaf hashes; recursion depth is at most 32. */
static void subtree_hash(uint8_t *out, vnfo_log_tree_hash h, const uint8_t (*leaves)[LOG_HASH], size_t n)
{
    if (n == 1) {
        memcpy(out, leaves[0], LOG_HASH);
        return;
    }
    size_t k = split_point(n);
    uint8_t left[LOG_HASH], right[LOG_HASH];
    subtree_hash(left, h, leaves, k);
    subtree_hash(right, h, leaves + k, n - k);
    vnfo__log_node_hash(out, h, left, right);
}

/* PATH(m, D[n]) of RFC 6962 section 2.1.1: the deeper part first. */
static void audit_path(vnfo_log_proof *p, vnfo_log_tree_hash h, const uint8_t (*leaves)[LOG_HASH],
                       size_t m, size_t n)
{
    if (n <= 1)
        return;
    size_t k = split_point(n);
    if (m < k) {
        audit_path(p, h, leaves, m, k);
        subtree_hash(p->path[p->path_len++], h, leaves + k, n - k);
    } else {
        audit_path(p, h, leaves + k, m - k, n - k);
        subtree_hash(p->path[p->path_len++], h, leaves, k);
    }
}

struct leaves_ctx {
    vnfo_log_tree_hash h;
    uint8_t (*leaves)[LOG_HASH];
};

static void leaf_into(void *ctx, uint32_t index, const uint8_t *rec, size_t len)
{
    struct leaves_ctx *c = ctx;
    vnfo__log_leaf_hash(c->leaves[index], c->h, rec, len);
}

vnfo_status vnfo_log_proof_create(vnfo_log_proof *out, const uint8_t *batch, size_t len, uint32_t index)
{
    if (!out)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_proof_create: out is NULL");
    vnfo_log_header h;
    vnfo_status s = vnfo_log_header_parse(&h, batch, len);
    if (s != VNFO_OK)
        return s;
    if (index >= h.record_count)
        return vnfo__error(VNFO_E_NOT_FOUND, "proof: record %u: the batch holds %u records", index,
                           h.record_count);
    /* Each record takes at least its 4-byte length: a count the bytes cannot
     * hold is refused before anything is allocated for it. */
    if ((size_t)h.record_count > (len - VNFO_LOG_SIGNED_HEADER_BYTES) / 4)
        return vnfo__error(VNFO_E_LOG_MALFORMED, "batch: byte 60: %u records cannot fit in %zu bytes",
                           h.record_count, len - VNFO_LOG_SIGNED_HEADER_BYTES);
    struct leaves_ctx c = {h.tree_hash, vnfo__calloc(h.record_count, LOG_HASH)};
    if (!c.leaves)
        return vnfo__error(VNFO_E_NO_MEMORY, "proof: cannot allocate %u leaf hashes", h.record_count);
    s = vnfo__log_records_walk(batch, len, h.record_count, leaf_into, &c);
    if (s == VNFO_OK) {
        memset(out, 0, sizeof *out);
        memcpy(out->signed_header, batch, VNFO_LOG_SIGNED_HEADER_BYTES);
        out->leaf_index = index;
        out->tree_size = h.record_count;
        audit_path(out, h.tree_hash, (const uint8_t(*)[LOG_HASH])c.leaves, index, h.record_count);
    }
    vnfo__free(c.leaves);
    return s;
}

vnfo_status vnfo_log_proof_verify_root(const vnfo_log_proof *p, vnfo_log_tree_hash hash,
                                       const uint8_t *root, const uint8_t *record, size_t len)
{
    if (!p || !root || (!record && len) || !vnfo__log_tree_hash_known(hash))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_proof_verify_root: invalid argument");
    if (p->leaf_index >= p->tree_size || p->path_len > VNFO_LOG_MAX_PROOF_DEPTH)
        return vnfo__error(VNFO_E_LOG_PROOF_INVALID, "proof: leaf %u of a tree of %u with %u hashes",
                           p->leaf_index, p->tree_size, p->path_len);
    /* RFC 9162 section 2.1.3.2. */
    uint64_t fn = p->leaf_index, sn = (uint64_t)p->tree_size - 1;
    uint8_t r[LOG_HASH];
    vnfo__log_leaf_hash(r, hash, record, len);
    for (uint32_t i = 0; i < p->path_len; i++) {
        if (sn == 0)
            return vnfo__error(VNFO_E_LOG_PROOF_INVALID, "proof: path longer than the tree is deep");
        if ((fn & 1) || fn == sn) {
            vnfo__log_node_hash(r, hash, p->path[i], r);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            vnfo__log_node_hash(r, hash, r, p->path[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return vnfo__error(VNFO_E_LOG_PROOF_INVALID, "proof: path shorter than the tree is deep");
    if (memcmp(r, root, LOG_HASH) != 0)
        return vnfo__error(VNFO_E_LOG_PROOF_INVALID,
                           "proof: record %u does not lead to the root (another record or root)",
                           p->leaf_index);
    return VNFO_OK;
}

vnfo_status vnfo_log_proof_check(const vnfo_log_proof *p, const vnfo_public_key *key,
                                 const uint8_t *record, size_t len)
{
    if (!p || !key || (!record && len))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_proof_check: NULL argument");
    vnfo_log_header h;
    vnfo_status s = vnfo_log_header_parse(&h, p->signed_header, sizeof p->signed_header);
    if (s != VNFO_OK)
        return s;
    uint8_t msg[LOG_SIGNATURE_INPUT_MAX];
    size_t n = vnfo__log_signature_input(msg, p->signed_header);
    if (vnfo_public_key_verify(key, msg, n, p->signed_header + VNFO_LOG_HEADER_BYTES) != VNFO_OK)
        return vnfo__error(VNFO_E_SIGNATURE_INVALID,
                           "proof: the batch header's signature does not verify under the key");
    if (p->tree_size != h.record_count)
        return vnfo__error(VNFO_E_LOG_PROOF_INVALID, "proof: tree size %u, but the batch holds %u records",
                           p->tree_size, h.record_count);
    return vnfo_log_proof_verify_root(p, h.tree_hash, h.root, record, len);
}
