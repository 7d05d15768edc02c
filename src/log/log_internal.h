/* Private to the log module: byte order helpers, the tree hash functions,
 * an incremental Merkle tree and the batch layout (docs/FORMAT.md). */
#ifndef VNFO_LOG_INTERNAL_H
#define VNFO_LOG_INTERNAL_H

#include <vnfo/log.h>

#include "internal.h"

#define LOG_MAGIC "VNFB"
#define LOG_HASH VNFO_LOG_HASH_BYTES
/* Prefixes of the three hash inputs: leaf, interior node, batch (chain). */
#define LOG_LEAF_PREFIX 0x00
#define LOG_NODE_PREFIX 0x01
#define LOG_BATCH_PREFIX 0x02
/* Stack depth of the incremental tree: one entry per set bit of the count. */
#define LOG_MERKLE_STACK 34

static inline void log_store32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void log_store64(uint8_t *p, uint64_t v)
{
    log_store32(p, (uint32_t)(v >> 32));
    log_store32(p + 4, (uint32_t)v);
}

static inline uint32_t log_load32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t log_load64(const uint8_t *p)
{
    return (uint64_t)log_load32(p) << 32 | log_load32(p + 4);
}

/* H(0x00 || data), H(0x01 || left || right), H(0x02 || header). */
void vnfo__log_leaf_hash(uint8_t *out, vnfo_log_tree_hash h, const uint8_t *data, size_t len);
void vnfo__log_node_hash(uint8_t *out, vnfo_log_tree_hash h, const uint8_t *left,
                         const uint8_t *right);
void vnfo__log_header_hash(uint8_t *out, vnfo_log_tree_hash h, const uint8_t *header);
int vnfo__log_tree_hash_known(uint32_t id);

/* RFC 6962 tree built leaf by leaf in O(log n) memory: the stack holds the
 * roots of the perfect subtrees the binary digits of count stand for. */
struct log_merkle {
    vnfo_log_tree_hash h;
    uint64_t count;
    unsigned depth;
    uint8_t stack[LOG_MERKLE_STACK][LOG_HASH];
};

void vnfo__log_merkle_init(struct log_merkle *m, vnfo_log_tree_hash h);
void vnfo__log_merkle_push(struct log_merkle *m, const uint8_t *leaf_hash);
void vnfo__log_merkle_root(uint8_t *out, const struct log_merkle *m);

/* Header bytes <-> struct.  Encoding assumes a valid struct. */
void vnfo__log_header_encode(uint8_t *out, const vnfo_log_header *h);
/* Builds the signature input: context, 0x00, header bytes.  Returns its length. */
size_t vnfo__log_signature_input(uint8_t *out, const uint8_t *header);
#define LOG_SIGNATURE_INPUT_MAX (sizeof VNFO_LOG_SIGNATURE_CONTEXT + VNFO_LOG_HEADER_BYTES)

/* Walks the records section of a batch whose header parsed: calls fn for
 * each record (may be NULL).  VNFO_E_LOG_MALFORMED names the record and
 * offset when the framing does not add up. */
typedef void (*log_record_fn)(void *ctx, uint32_t index, const uint8_t *rec, size_t len);
vnfo_status vnfo__log_records_walk(const uint8_t *batch, size_t len, uint32_t count,
                                   log_record_fn fn, void *ctx);

#endif
