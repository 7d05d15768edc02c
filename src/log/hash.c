/* Tree hash functions and the RFC 6962 Merkle tree.  Both H are one-shot on
 * short stack buffers for nodes (65 bytes) and streamed for leaves, so a
 * record is hashed where it lies, never copied. */
#include <sodium.h>
#include <string.h>

#include "log/log_internal.h"

int vnfo__log_tree_hash_known(uint32_t id)
{
    return id == VNFO_LOG_TREE_BLAKE2B_256 || id == VNFO_LOG_TREE_SHA256;
}

const char *vnfo_log_tree_hash_name(vnfo_log_tree_hash hash)
{
    switch (hash) {
    case VNFO_LOG_TREE_BLAKE2B_256: return "blake2b-256";
    case VNFO_LOG_TREE_SHA256: return "sha256";
    }
    return "unknown";
}

vnfo_status vnfo_log_tree_hash_parse(vnfo_log_tree_hash *out, const char *name)
{
    if (!out || !name)
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "tree hash: NULL argument");
    if (strcmp(name, "blake2b-256") == 0)
        *out = VNFO_LOG_TREE_BLAKE2B_256;
    else if (strcmp(name, "sha256") == 0)
        *out = VNFO_LOG_TREE_SHA256;
    else
        return vnfo__error(VNFO_E_INVALID_ARGUMENT,
                           "tree hash: \"%s\" is not one of blake2b-256, sha256", name);
    return VNFO_OK;
}

size_t vnfo_log_hash_bytes(void) { return VNFO_LOG_HASH_BYTES; }
size_t vnfo_log_header_bytes(void) { return VNFO_LOG_HEADER_BYTES; }
size_t vnfo_log_signed_header_bytes(void) { return VNFO_LOG_SIGNED_HEADER_BYTES; }

/* H(prefix || data) for any length. */
static void hash_prefixed(uint8_t *out, vnfo_log_tree_hash h, uint8_t prefix, const uint8_t *data,
                          size_t len)
{
    if (h == VNFO_LOG_TREE_SHA256) {
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, &prefix, 1);
        crypto_hash_sha256_update(&st, data, len);
        crypto_hash_sha256_final(&st, out);
    } else {
        crypto_generichash_blake2b_state st;
        crypto_generichash_blake2b_init(&st, NULL, 0, LOG_HASH);
        crypto_generichash_blake2b_update(&st, &prefix, 1);
        crypto_generichash_blake2b_update(&st, data, len);
        crypto_generichash_blake2b_final(&st, out, LOG_HASH);
    }
}

void vnfo__log_leaf_hash(uint8_t *out, vnfo_log_tree_hash h, const uint8_t *data, size_t len)
{
    hash_prefixed(out, h, LOG_LEAF_PREFIX, data, len);
}

void vnfo__log_header_hash(uint8_t *out, vnfo_log_tree_hash h, const uint8_t *header)
{
    hash_prefixed(out, h, LOG_BATCH_PREFIX, header, VNFO_LOG_HEADER_BYTES);
}

void vnfo__log_node_hash(uint8_t *out, vnfo_log_tree_hash h, const uint8_t *left,
                         const uint8_t *right)
{
    uint8_t buf[1 + 2 * LOG_HASH];
    buf[0] = LOG_NODE_PREFIX;
    memcpy(buf + 1, left, LOG_HASH);
    memcpy(buf + 1 + LOG_HASH, right, LOG_HASH);
    if (h == VNFO_LOG_TREE_SHA256)
        crypto_hash_sha256(out, buf, sizeof buf);
    else
        crypto_generichash_blake2b(out, LOG_HASH, buf, sizeof buf, NULL, 0);
}

/* ---- incremental tree -------------------------------------------------- */

void vnfo__log_merkle_init(struct log_merkle *m, vnfo_log_tree_hash h)
{
    m->h = h;
    m->count = 0;
    m->depth = 0;
}

/* Pushing leaf number c merges one pair per trailing one bit of c: two
 * perfect subtrees of equal size become one, as RFC 6962's left-heavy split
 * builds them. */
void vnfo__log_merkle_push(struct log_merkle *m, const uint8_t *leaf_hash)
{
    memcpy(m->stack[m->depth++], leaf_hash, LOG_HASH);
    for (uint64_t c = m->count; c & 1; c >>= 1) {
        m->depth--;
        vnfo__log_node_hash(m->stack[m->depth - 1], m->h, m->stack[m->depth - 1], m->stack[m->depth]);
    }
    m->count++;
}

/* The root folds the remaining subtrees right to left: the smaller ones on
 * the right form the right child at each split. */
void vnfo__log_merkle_root(uint8_t *out, const struct log_merkle *m)
{
    if (m->depth == 0) {
        /* MTH of the empty list is the hash of the empty string. */
        if (m->h == VNFO_LOG_TREE_SHA256)
            crypto_hash_sha256(out, NULL, 0);
        else
            crypto_generichash_blake2b(out, LOG_HASH, NULL, 0, NULL, 0);
        return;
    }
    uint8_t r[LOG_HASH];
    memcpy(r, m->stack[m->depth - 1], LOG_HASH);
    for (unsigned i = m->depth - 1; i > 0; i--)
        vnfo__log_node_hash(r, m->h, m->stack[i - 1], r);
    memcpy(out, r, LOG_HASH);
}

vnfo_status vnfo_log_tree_root(uint8_t *out, vnfo_log_tree_hash hash,
                               const uint8_t *const *entries, const size_t *lens, size_t n)
{
    if (!out || !vnfo__log_tree_hash_known(hash) || (n && (!entries || !lens)))
        return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_tree_root: invalid argument");
    if (n > ((uint64_t)1 << 32))
        return vnfo__error(VNFO_E_LIMIT_EXCEEDED, "vnfo_log_tree_root: more than 2^32 entries");
    struct log_merkle m;
    vnfo__log_merkle_init(&m, hash);
    uint8_t leaf[LOG_HASH];
    for (size_t i = 0; i < n; i++) {
        if (!entries[i] && lens[i])
            return vnfo__error(VNFO_E_INVALID_ARGUMENT, "vnfo_log_tree_root: entry %zu is NULL", i);
        vnfo__log_leaf_hash(leaf, hash, entries[i], lens[i]);
        vnfo__log_merkle_push(&m, leaf);
    }
    vnfo__log_merkle_root(out, &m);
    return VNFO_OK;
}
