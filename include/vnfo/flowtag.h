/**
 * @file flowtag.h
 * @brief FlowTags: follow one packet through middleboxes that rewrite its
 *        headers (Fayazbakhsh et al., NSDI 2014).
 *
 * A middlebox that creates or rewrites a flow (NAT, load balancer, proxy)
 * keeps a ::vnfo_flowtag_table.  For every packet it calls
 * vnfo_flowtag_generate() with the flow as it arrived (the original key) and
 * as it leaves (the rewritten key); the table assigns the flow a tag, or
 * reuses the one it has, and reports a mapping event the caller logs as a
 * signed `flowtag_map` record whenever a binding is created or changes.  The
 * tag travels with the packet in a carrier (vnfo_flowtag_carrier_write():
 * NSH context, IPv6 flow label, 802.1Q VLAN id or IPv4 DSCP), and any node
 * downstream resolves it back to the flow's origin with
 * vnfo_flowtag_consume().
 *
 * Tags are never 0 (0 means "untagged") and never all ones of the width
 * (VLAN id 4095 is reserved).  A tag is the table slot in its low bits and a
 * per-slot generation above them, so a reused slot yields a different tag for
 * as long as the width allows.  Allocation takes the slot freed longest ago
 * (FIFO), which makes it deterministic for a given sequence of calls and
 * delays reuse as much as possible.  Time is whatever the caller passes in
 * (any unit, non-decreasing); the table reads no clock.
 *
 * docs/flowtags.md describes the carriers, the memory layout, expiry and the
 * serialised format.
 */
#ifndef VNFO_FLOWTAG_H
#define VNFO_FLOWTAG_H

#include <vnfo/common.h>
#include <vnfo/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest table capacity (slots are 24-bit numbers inside the index). */
#define VNFO_FLOWTAG_CAPACITY_MAX 0xFFFFFEu
/** Version of the serialised table format written by this library (it also reads 1). */
#define VNFO_FLOWTAG_FORMAT_VERSION 2
/** Version of ::vnfo_flowtag_options understood by this library. */
#define VNFO_FLOWTAG_OPTIONS_VERSION 1
/** ipv6_capacity value meaning "as many as capacity". */
#define VNFO_FLOWTAG_IPV6_ALL 0xFFFFFFFFu
/** The NSH MD type 2 metadata class used for tags: the first value of the
 *  IANA "Experimental" range 0xFFF6-0xFFFE (RFC 8300, section 11.2.4). */
#define VNFO_FLOWTAG_NSH_MD_CLASS 0xFFF6u
/** The NSH MD type 2 TLV type, within VNFO_FLOWTAG_NSH_MD_CLASS, of a tag. */
#define VNFO_FLOWTAG_NSH_TLV_TYPE 0x01u
/** Bytes of the NSH MD type 2 TLV holding a tag (4-byte header, 4-byte value). */
#define VNFO_FLOWTAG_NSH_TLV_BYTES 8u

/**
 * @brief Options of vnfo_flowtag_table_create().  Initialise with
 *        VNFO_FLOWTAG_OPTIONS_INIT or vnfo_flowtag_options_init().
 */
typedef struct vnfo_flowtag_options {
    unsigned version;       /**< VNFO_FLOWTAG_OPTIONS_VERSION. */
    unsigned width_bits;    /**< Tag width: 6 (DSCP), 12 (VLAN), 20 (flow label), 24 or 32 (NSH). */
    uint32_t capacity;      /**< Live flows at most, 1 .. min(2^width - 2, VNFO_FLOWTAG_CAPACITY_MAX). */
    uint32_t ipv6_capacity; /**< Live flows at most whose original or rewritten key is IPv6
                                 (their keys are kept apart, 76 bytes each); VNFO_FLOWTAG_IPV6_ALL
                                 means capacity; 0 refuses IPv6 flows. */
    uint32_t node_id;       /**< The node that tags (in every context and event). */
    uint64_t idle_timeout;  /**< A flow idle this long (caller's time unit) expires; 0 = never. */
} vnfo_flowtag_options;

/** Default options: 24-bit tags, 65536 flows, any IPv6, node 0, no expiry. */
#define VNFO_FLOWTAG_OPTIONS_INIT \
    { VNFO_FLOWTAG_OPTIONS_VERSION, 24, 65536, VNFO_FLOWTAG_IPV6_ALL, 0, 0 }

/**
 * @brief Fill @p out with the defaults of options version @p version.
 * @param[out] out The options.
 * @param version VNFO_FLOWTAG_OPTIONS_VERSION.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL) or VNFO_E_STRUCT_VERSION.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_options_init(vnfo_flowtag_options *out, unsigned version);

/** A tag table (opaque). */
typedef struct vnfo_flowtag_table vnfo_flowtag_table;

/**
 * @brief What a tag stands for.  Fixed layout: this struct never grows.
 */
typedef struct vnfo_flowtag_context {
    vnfo_flow_key original;   /**< The flow as it reached the tagging node. */
    vnfo_flow_key rewritten;  /**< The flow as the tagging node last sent it. */
    uint32_t tag;             /**< The tag. */
    uint32_t node_id;         /**< The tagging node. */
    uint32_t service_path_id; /**< The chain (service path) the flow follows. */
    uint32_t epoch;           /**< The epoch in which the binding was created. */
    uint32_t reserved;        /**< Zero (keeps the layout free of padding). */
    uint64_t last_seen;       /**< The time of the last vnfo_flowtag_generate() for the flow. */
} vnfo_flowtag_context;

/** Kinds of ::vnfo_flowtag_event. */
typedef enum vnfo_flowtag_event_kind {
    VNFO_FLOWTAG_EVENT_NONE = 0,   /**< Known flow, unchanged binding: nothing to log. */
    VNFO_FLOWTAG_EVENT_BIND = 1,   /**< A new tag was bound to the flow: log it. */
    VNFO_FLOWTAG_EVENT_UPDATE = 2, /**< The rewritten key or service path changed: log it. */
    VNFO_FLOWTAG_EVENT_EXPIRE = 3, /**< The flow was idle too long; its tag is free: log it. */
} vnfo_flowtag_event_kind;

/**
 * @brief A mapping event: a change of a tag's binding, for the log.
 *        Fixed layout: this struct never grows.
 */
typedef struct vnfo_flowtag_event {
    uint32_t kind;                /**< A ::vnfo_flowtag_event_kind. */
    uint32_t reserved;            /**< Zero. */
    uint64_t time;                /**< The caller's time of the event. */
    vnfo_flowtag_context context; /**< The binding after the event (before it, for EXPIRE). */
} vnfo_flowtag_event;

/** Counters of a table.  Fixed layout: this struct never grows. */
typedef struct vnfo_flowtag_stats {
    uint32_t capacity;      /**< Live flows at most. */
    uint32_t live;          /**< Live flows now. */
    uint32_t ipv6_capacity; /**< IPv6 flows at most. */
    uint32_t ipv6_live;     /**< Live IPv6 flows now. */
    uint64_t memory_bytes;  /**< Bytes the table holds (entries, index, IPv6 keys, handle). */
} vnfo_flowtag_stats;

/**
 * @brief Create an empty tag table; all memory is allocated here, none later.
 * @param[out] out The table; NULL on failure.
 * @param opts Options (NULL: VNFO_FLOWTAG_OPTIONS_INIT).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (width not 6/12/20/24/32, capacity
 *         0 or too large for the width, ipv6_capacity above capacity; the
 *         message names the field), VNFO_E_STRUCT_VERSION or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_table_create(vnfo_flowtag_table **out,
                                               const vnfo_flowtag_options *opts);

/**
 * @brief Free a table.  Accepts NULL.
 * @param table The table.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_flowtag_table_free(vnfo_flowtag_table *table);

/**
 * @brief The options a table was created with (or decoded with).
 * @param[out] out The options (ipv6_capacity resolved to a number).
 * @param table The table.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe for concurrent readers of one table.
 */
VNFO_API vnfo_status vnfo_flowtag_table_options(vnfo_flowtag_options *out,
                                                const vnfo_flowtag_table *table);

/**
 * @brief Counters and memory of a table.
 * @param[out] out The counters.
 * @param table The table.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe for concurrent readers of one table.
 */
VNFO_API vnfo_status vnfo_flowtag_table_stats(vnfo_flowtag_stats *out,
                                              const vnfo_flowtag_table *table);

/**
 * @brief Assign or reuse the tag of a flow and record its in->out mapping.
 *
 * Looks the flow up by its original key.  A new flow gets the tag of the slot
 * freed longest ago (event BIND, with @p epoch as its creation epoch); a
 * known flow keeps its tag, and when @p rewritten or @p service_path_id
 * differ from the stored binding they are replaced (event UPDATE), otherwise
 * the event is NONE.  Either way the flow's idle time restarts at @p now.
 * Expired flows are not swept here: call vnfo_flowtag_table_expire() first.
 * Per-packet: allocates nothing and records no error message.
 * @param[out] out The event; out->context.tag is the flow's tag.
 * @param table The table.
 * @param original The flow as it arrived.
 * @param rewritten The flow as it leaves (equal to @p original when the node
 *        does not rewrite).
 * @param service_path_id The chain the flow follows.
 * @param epoch The current epoch.
 * @param now The caller's time; a value below the table's latest time counts
 *        as the latest time.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL, or an ip_version other than
 *         4 and 6), VNFO_E_FLOWTAG_FULL (every tag is live, or an IPv6 flow
 *         when ipv6_capacity flows already are IPv6; nothing changed).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_flowtag_generate(vnfo_flowtag_event *out, vnfo_flowtag_table *table,
                                           const vnfo_flow_key *original,
                                           const vnfo_flow_key *rewritten,
                                           uint32_t service_path_id, uint32_t epoch, uint64_t now);

/**
 * @brief Bind a flow to the tag an upstream node gave it, and record the
 *        in->out mapping (for chains whose rewriting nodes keep the tag, as
 *        the `nat-safe` sampling field set needs; docs/flowtags.md, "Chains").
 *
 * Configure the table with the upstream table's width and capacity: then a
 * tag's slot here is free whenever the tag is new upstream.  A flow that
 * already holds @p tag is refreshed as by vnfo_flowtag_generate() (event
 * NONE or UPDATE).
 * Per-packet: allocates nothing, records no message.
 * @param[out] out The event (tag, binding after the call).
 * @param table This node's table.
 * @param tag The tag read from the packet.
 * @param original The flow as it arrived.
 * @param rewritten The flow as it leaves.
 * @param service_path_id The chain the flow follows.
 * @param epoch The current epoch.
 * @param now The caller's time (clamped as in vnfo_flowtag_generate()).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL, a bad ip_version, or a tag
 *         that is not valid for this table's width and capacity),
 *         VNFO_E_FLOWTAG_CONFLICT (the tag's slot holds another binding, or
 *         the flow holds another tag here: release the stale one first;
 *         nothing changed) or VNFO_E_FLOWTAG_FULL (no IPv6 room).
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_flowtag_adopt(vnfo_flowtag_event *out, vnfo_flowtag_table *table,
                                        uint32_t tag, const vnfo_flow_key *original,
                                        const vnfo_flow_key *rewritten, uint32_t service_path_id,
                                        uint32_t epoch, uint64_t now);

/**
 * @brief Resolve a tag to its binding.  Per-packet: one array access, no
 *        allocation, no error message.
 * @param[out] out The binding.
 * @param table The table.
 * @param tag The tag read from the packet.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL) or VNFO_E_FLOWTAG_UNKNOWN
 *         (the tag is not live in this table).
 * @par Thread safety: safe for concurrent readers of one table.
 */
VNFO_API vnfo_status vnfo_flowtag_consume(vnfo_flowtag_context *out,
                                          const vnfo_flowtag_table *table, uint32_t tag);

/**
 * @brief vnfo_flowtag_generate() for a burst of packets, with the memory
 *        latency of the burst overlapped.
 *
 * Equivalent to calling vnfo_flowtag_generate(&out[i], table, &original[i],
 * &rewritten[i], service_path_id[i], epoch, now) for i = 0 .. n-1 in that
 * order (two packets of one new flow in a burst: the first binds, the second
 * finds it), with the same events, statuses and table afterwards; the tests
 * hold the two to each other.  It works in chunks of 32 packets: it hashes
 * every key of a chunk and prefetches every home bucket, then prefetches the
 * entry each bucket's fingerprint points to, and only then processes the
 * packets in order.  Per-packet: allocates nothing, records no message.
 * The key arrays are read while events are written: @p out and @p status
 * must not overlap @p original, @p rewritten or @p service_path_id.
 * @param[out] out Room for @p n events.
 * @param[out] status Room for @p n statuses, each what the single call
 *        would return (VNFO_OK, VNFO_E_INVALID_ARGUMENT for a bad ip_version,
 *        VNFO_E_FLOWTAG_FULL).
 * @param table The table.
 * @param original @p n flows as they arrived.
 * @param rewritten @p n flows as they leave.
 * @param service_path_id @p n service path ids.
 * @param epoch The current epoch.
 * @param now The caller's time for every packet of the burst.
 * @param n Packets in the burst; any number (32 is the unit of overlap).
 * @return VNFO_OK when every packet succeeded, else the first failed
 *         packet's status; VNFO_E_INVALID_ARGUMENT (nothing done) when
 *         @p table is NULL or @p n > 0 and an array is NULL.
 * @par Thread safety: per handle (like vnfo_flowtag_generate()).
 */
VNFO_API vnfo_status vnfo_flowtag_generate_burst(vnfo_flowtag_event *out, vnfo_status *status,
                                                 vnfo_flowtag_table *table,
                                                 const vnfo_flow_key *original,
                                                 const vnfo_flow_key *rewritten,
                                                 const uint32_t *service_path_id, uint32_t epoch,
                                                 uint64_t now, size_t n);

/**
 * @brief vnfo_flowtag_consume() for a burst of tags, with the memory latency
 *        of the burst overlapped.
 *
 * Equivalent to vnfo_flowtag_consume(&out[i], table, tags[i]) for each i
 * (the tests hold the two to each other): it prefetches the entry of every
 * tag of a chunk of 32 (and the IPv6 keys of IPv6 flows) before filling any
 * context.  Per-packet: allocates nothing, records no message.
 * @param[out] out Room for @p n contexts; out[i] is written when status[i]
 *        is VNFO_OK.
 * @param[out] status Room for @p n statuses: VNFO_OK or
 *        VNFO_E_FLOWTAG_UNKNOWN.
 * @param table The table.
 * @param tags @p n tags read from packets.
 * @param n Tags in the burst; any number.
 * @return VNFO_OK when every tag resolved, else the first failure's status;
 *         VNFO_E_INVALID_ARGUMENT (nothing done) when @p table is NULL or
 *         @p n > 0 and an array is NULL.
 * @par Thread safety: safe for concurrent readers of one table (like
 *      vnfo_flowtag_consume()).
 */
VNFO_API vnfo_status vnfo_flowtag_consume_burst(vnfo_flowtag_context *out, vnfo_status *status,
                                                const vnfo_flowtag_table *table,
                                                const uint32_t *tags, size_t n);

/**
 * @brief Look a flow up by its original key without changing anything.
 * @param[out] out The binding.
 * @param table The table.
 * @param original The flow as it arrived at the tagging node.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_FLOWTAG_UNKNOWN.
 * @par Thread safety: safe for concurrent readers of one table.
 */
VNFO_API vnfo_status vnfo_flowtag_lookup(vnfo_flowtag_context *out,
                                         const vnfo_flowtag_table *table,
                                         const vnfo_flow_key *original);

/**
 * @brief The next live binding at or after slot @p *cursor, in slot order
 *        (for dumps and audits of a table or a decoded checkpoint).
 * @param[out] out The binding.
 * @param table The table.
 * @param[in,out] cursor Start with 0; moved past the binding returned.
 * @return VNFO_OK, VNFO_E_NOT_FOUND (no binding left) or
 *         VNFO_E_INVALID_ARGUMENT.  Records no message.
 * @par Thread safety: safe for concurrent readers of one table.
 */
VNFO_API vnfo_status vnfo_flowtag_table_next(vnfo_flowtag_context *out,
                                             const vnfo_flowtag_table *table, uint32_t *cursor);

/**
 * @brief Expire flows idle for at least the idle timeout at time @p now,
 *        writing one EXPIRE event per freed tag.
 *
 * A second-chance sweep (docs/flowtags.md, "Expiry"): a flow never expires
 * before it has been idle for the timeout, and does at the latest at the
 * first call (repeated while *count == max) at least twice the timeout
 * after its last use.  Stops after @p max events; call again while
 * *count == max.  Does nothing when the table has no idle timeout.
 * Allocates nothing; a call that finds nothing idle costs a few
 * nanoseconds, and every flow it moves was used since its last move.
 * @param[out] out Room for @p max events (may be NULL when max is 0).
 * @param[out] count Events written.
 * @param max Most events to write.
 * @param table The table.
 * @param now The caller's time.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_flowtag_table_expire(vnfo_flowtag_event *out, size_t *count, size_t max,
                                               vnfo_flowtag_table *table, uint64_t now);

/**
 * @brief Remove one flow now (for example at a TCP FIN), as an EXPIRE event.
 * @param[out] out The EXPIRE event (the binding as it was).
 * @param table The table.
 * @param tag The flow's tag.
 * @param now The caller's time.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_FLOWTAG_UNKNOWN.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_flowtag_release(vnfo_flowtag_event *out, vnfo_flowtag_table *table,
                                          uint32_t tag, uint64_t now);

/* ---- serialisation ------------------------------------------------------- */

/**
 * @brief The exact size of vnfo_flowtag_table_serialize()'s output.
 * @param[out] out The size in bytes.
 * @param table The table.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe for concurrent readers of one table.
 */
VNFO_API vnfo_status vnfo_flowtag_table_serialized_size(size_t *out,
                                                        const vnfo_flowtag_table *table);

/**
 * @brief Encode the whole table (bindings, free order, generations, time) as
 *        deterministic msgpack: equal tables give equal bytes, and a decoded
 *        table continues exactly as the original would (docs/flowtags.md).
 * @param out The buffer.
 * @param size Its size.
 * @param[out] out_len Bytes written, or the size needed on
 *        VNFO_E_BUFFER_TOO_SMALL.
 * @param table The table.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT or VNFO_E_BUFFER_TOO_SMALL.
 * @par Thread safety: safe for concurrent readers of one table.
 */
VNFO_API vnfo_status vnfo_flowtag_table_serialize(uint8_t *out, size_t size, size_t *out_len,
                                                  const vnfo_flowtag_table *table);

/**
 * @brief Decode a table written by vnfo_flowtag_table_serialize().
 *
 * Written for hostile input: every count is checked against the bytes that
 * remain before anything is allocated, and every slot, tag and key is
 * validated, so a decoded table satisfies every invariant of a created one.
 * @param[out] out The table; NULL on failure.
 * @param data The encoded bytes.
 * @param len Their length (the encoding must span exactly this many).
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_FLOWTAG_FORMAT (the message
 *         names the byte offset and the field), VNFO_E_UNSUPPORTED_VERSION or
 *         VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_table_deserialize(vnfo_flowtag_table **out, const uint8_t *data,
                                                    size_t len);

/* ---- verifier side: resolving records ---------------------------------- */

/** One function of the chain, in order, as the manifest lists it.  Fixed layout. */
typedef struct vnfo_flowtag_hop {
    uint32_t node_id;            /**< The node running the function. */
    uint32_t may_modify_headers; /**< 1 when the manifest lets the function rewrite headers. */
} vnfo_flowtag_hop;

/** A packet record as the resolver needs it.  Fixed layout. */
typedef struct vnfo_flowtag_observation {
    uint32_t node_id;   /**< The node whose shim logged the packet, after the node handled it. */
    uint32_t tag;       /**< The tag the packet carried; 0 when none. */
    uint32_t has_flow;  /**< 1 when @c flow is known (records that keep packet headers). */
    uint32_t reserved;  /**< Zero. */
    uint64_t time;      /**< When it was logged (the mapping records' time base). */
    vnfo_flow_key flow; /**< The flow key as logged, when has_flow. */
} vnfo_flowtag_observation;

/** Where a packet record comes from.  Fixed layout. */
typedef struct vnfo_flowtag_resolution {
    vnfo_flow_key original;   /**< The flow as it entered the chain. */
    uint32_t position;        /**< Chain position of the logging node, from 0. */
    uint32_t rewrites;        /**< Header rewrites between chain entry and this record. */
    uint32_t tagging_node;    /**< The first node upstream that bound the tag; 0 if none. */
    uint32_t service_path_id; /**< The service path of that binding; 0 if none. */
    uint32_t offender_node;   /**< On CONFLICT or REWRITE_FORBIDDEN: the node at fault. */
    uint32_t reserved;        /**< Zero. */
} vnfo_flowtag_resolution;

/** Mapping records indexed for resolving packet records (opaque). */
typedef struct vnfo_flowtag_resolver vnfo_flowtag_resolver;

/**
 * @brief Create a resolver for one chain.
 * @param[out] out The resolver; NULL on failure.
 * @param chain The functions in chain order (node ids distinct).
 * @param n How many, at least 1.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL, empty, or a node listed
 *         twice; the message names it) or VNFO_E_NO_MEMORY.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_resolver_create(vnfo_flowtag_resolver **out,
                                                  const vnfo_flowtag_hop *chain, size_t n);

/**
 * @brief Free a resolver.  Accepts NULL.
 * @param resolver The resolver.
 * @par Thread safety: per handle.
 */
VNFO_API void vnfo_flowtag_resolver_free(vnfo_flowtag_resolver *resolver);

/**
 * @brief Add one mapping record (a ::vnfo_flowtag_event as the tagging node
 *        logged it).  Records of one node and tag must come in time order.
 *
 * A BIND opens a binding of (node, tag) to its original flow, an UPDATE
 * replaces the rewritten flow from its time on, an EXPIRE closes it; NONE is
 * ignored.  Violations are reported, never dropped silently.
 * @param resolver The resolver.
 * @param mapping The mapping (vnfo_flowtag_event_from_record() of a log record).
 * @return VNFO_OK;
 *         VNFO_E_FLOWTAG_CONFLICT when the tag is bound to another origin flow
 *         at that time (the first binding is kept and marked: records with the
 *         tag from then on resolve to CONFLICT);
 *         VNFO_E_FLOWTAG_REWRITE_FORBIDDEN when the node may not modify
 *         headers and the mapping rewrites the flow (the mapping is kept, so
 *         records still resolve);
 *         VNFO_E_FLOWTAG_UNKNOWN for an UPDATE or EXPIRE of an unbound tag;
 *         VNFO_E_NOT_FOUND for a node outside the chain; VNFO_E_INVALID_ARGUMENT
 *         (NULL, unknown kind, bad key, time going back); VNFO_E_NO_MEMORY.
 *         Each failure records a message naming the node, tag and time.
 * @par Thread safety: per handle.
 */
VNFO_API vnfo_status vnfo_flowtag_resolver_add(vnfo_flowtag_resolver *resolver,
                                               const vnfo_flowtag_event *mapping);

/**
 * @brief Resolve a packet record to its original flow and chain position.
 *
 * Walks the chain upstream from the logging node: at each node holding a
 * binding of the record's tag at the record's time, the flow must equal the
 * binding's rewritten flow, and continues as its original flow (a record
 * without a flow key skips the first comparison).  Records without a tag
 * resolve to their own flow (all zero when they have no flow key either).
 * Records no message (batch use).
 * @param[out] out Where the record comes from.
 * @param resolver The resolver, after every mapping was added.
 * @param obs The record (vnfo_flowtag_observation_from_record()).
 * @return VNFO_OK; VNFO_E_FLOWTAG_UNKNOWN (a tag no node upstream had bound at
 *         that time); VNFO_E_FLOWTAG_CONFLICT (the tag was bound to two origin
 *         flows then); VNFO_E_FLOWTAG_REWRITE_FORBIDDEN (the flow changed
 *         between two points with no mapping for it; offender_node is the
 *         first function in between that may not modify headers);
 *         VNFO_E_NOT_FOUND (node outside the chain); VNFO_E_INVALID_ARGUMENT.
 *         On a failure @p out still carries position and offender_node.
 * @par Thread safety: safe for concurrent readers of one resolver.
 */
VNFO_API vnfo_status vnfo_flowtag_resolver_resolve(vnfo_flowtag_resolution *out,
                                                   const vnfo_flowtag_resolver *resolver,
                                                   const vnfo_flowtag_observation *obs);

/* ---- log records -------------------------------------------------------- */

/**
 * @brief The `flowtag_map` log record of a mapping event, ready for the log
 *        writer (which sets node_id, epoch and seq).
 *
 * BIND and UPDATE events map to their fields one to one.  The record type
 * has no event kind, so an EXPIRE event is written with the null rewritten
 * flow (every field zero but ip_version, which is the original's): no real
 * flow leaves a function as 0.0.0.0:0 -> 0.0.0.0:0 with protocol 0.  The
 * event's creation epoch is not carried (the record's epoch is the writer's
 * key epoch).  docs/flowtags.md, "Log records".
 * @param[out] out A record of type VNFO_RECORD_FLOWTAG_MAP.
 * @param event The event.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (NULL, a NONE event, which is
 *         not logged, an unknown kind or a tag 0).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_event_to_record(vnfo_record *out, const vnfo_flowtag_event *event);

/**
 * @brief The mapping event of a decoded `flowtag_map` record (the inverse of
 *        vnfo_flowtag_event_to_record(): a null rewritten flow reads as
 *        EXPIRE, anything else as BIND, which the resolver treats as an
 *        update when the tag is already bound to the same origin).
 * @param[out] out The event (node_id is the record's tagging node, epoch the
 *        record's epoch).
 * @param rec A decoded record.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT (NULL or another record type).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_event_from_record(vnfo_flowtag_event *out, const vnfo_record *rec);

/**
 * @brief The observation of a decoded packet record: its node, FlowTag and
 *        exit time, and its flow key when the record keeps the packet's
 *        headers (bytes_out, else bytes_in, parsed with @p linktype).
 * @param[out] out The observation.
 * @param rec A decoded packet record.
 * @param linktype The VNFO_LINKTYPE_* of the logged bytes (the shim's
 *        capture link type).
 * @return VNFO_OK (has_flow 0 when the record keeps no bytes or they do not
 *         parse as IP) or VNFO_E_INVALID_ARGUMENT (NULL or another record type).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_observation_from_record(vnfo_flowtag_observation *out,
                                                          const vnfo_record *rec, uint32_t linktype);

/* ---- carriers ------------------------------------------------------------ */

/** Where in a packet a tag travels. */
typedef enum vnfo_flowtag_carrier {
    VNFO_FLOWTAG_CARRIER_NSH_MD1 = 1,         /**< NSH MD type 1, first context word (32 bits). */
    VNFO_FLOWTAG_CARRIER_NSH_MD2 = 2,         /**< NSH MD type 2 TLV, class VNFO_FLOWTAG_NSH_MD_CLASS (32 bits). */
    VNFO_FLOWTAG_CARRIER_IPV6_FLOW_LABEL = 3, /**< IPv6 flow label (20 bits). */
    VNFO_FLOWTAG_CARRIER_VLAN = 4,            /**< 802.1Q VLAN id of the outer tag (12 bits). */
    VNFO_FLOWTAG_CARRIER_IPV4_DSCP = 5,       /**< IPv4 DSCP, checksum updated (6 bits). */
} vnfo_flowtag_carrier;

/**
 * @brief How many bits a carrier holds (32, 32, 20, 12, 6), 0 for an unknown
 *        carrier.
 * @param carrier A ::vnfo_flowtag_carrier.
 * @par Thread safety: safe.
 */
VNFO_API unsigned vnfo_flowtag_carrier_bits(vnfo_flowtag_carrier carrier);

/**
 * @brief Write a tag into a packet, in place.
 *
 * @p offset is where the carrier's header starts in @p packet: the NSH base
 * header for NSH, the Ethernet header for VLAN (whose EtherType must be
 * 0x8100 or 0x88A8), the IP header for the flow label and DSCP.  Only the
 * carrier's bits change (and the IPv4 header checksum, updated incrementally
 * as RFC 1624 says).  Per-packet: no allocation, no error message.
 * @param packet The packet bytes, changed in place.
 * @param len Their length.
 * @param offset Where the carrier's header starts.
 * @param carrier A ::vnfo_flowtag_carrier.
 * @param tag The tag, 1 .. 2^width - 1.
 * @param width The table's tag width; refused when the carrier holds fewer bits.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT (NULL packet, unknown carrier, a
 *         width that is not 6/12/20/24/32, or a tag 0 or wider than @p width),
 *         VNFO_E_FLOWTAG_WIDTH (the carrier cannot hold @p width bits) or
 *         VNFO_E_FLOWTAG_CARRIER (the header is truncated, of another kind or
 *         version, or the NSH MD type 2 header has no tag TLV).
 * @par Thread safety: safe (the packet is the caller's).
 */
VNFO_API vnfo_status vnfo_flowtag_carrier_write(uint8_t *packet, size_t len, size_t offset,
                                                vnfo_flowtag_carrier carrier, unsigned width,
                                                uint32_t tag);

/**
 * @brief Read a tag from a packet.  Same @p offset rules as the write.
 * @param[out] out The tag; 0 when the carrier holds 0 (untagged).
 * @param packet The packet bytes.
 * @param len Their length.
 * @param offset Where the carrier's header starts.
 * @param carrier A ::vnfo_flowtag_carrier.
 * @param width The table's tag width.
 * @return VNFO_OK, VNFO_E_INVALID_ARGUMENT, VNFO_E_FLOWTAG_WIDTH or
 *         VNFO_E_FLOWTAG_CARRIER (also when a 32-bit NSH field holds a value
 *         wider than @p width).
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_carrier_read(uint32_t *out, const uint8_t *packet, size_t len,
                                               size_t offset, vnfo_flowtag_carrier carrier,
                                               unsigned width);

/**
 * @brief Encode the NSH MD type 2 TLV of a tag (VNFO_FLOWTAG_NSH_TLV_BYTES
 *        bytes: class, type, length 4, the tag big-endian), for an NSH
 *        encapsulator to place among its context headers.
 * @param[out] out VNFO_FLOWTAG_NSH_TLV_BYTES bytes.
 * @param size Bytes available at @p out.
 * @param tag The tag.
 * @return VNFO_OK or VNFO_E_INVALID_ARGUMENT.
 * @par Thread safety: safe.
 */
VNFO_API vnfo_status vnfo_flowtag_nsh_tlv_encode(uint8_t *out, size_t size, uint32_t tag);

/** @brief VNFO_FLOWTAG_NSH_TLV_BYTES, for FFI.  @par Thread safety: safe. */
VNFO_API size_t vnfo_flowtag_nsh_tlv_bytes(void);
/** @brief VNFO_FLOWTAG_CAPACITY_MAX, for FFI.  @par Thread safety: safe. */
VNFO_API uint32_t vnfo_flowtag_capacity_max(void);

#ifdef __cplusplus
}
#endif

#endif /* VNFO_FLOWTAG_H */
