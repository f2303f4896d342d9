/*
 * wkd/stats.h - a node's counters: struct wkd_stats, filled by
 * wkd_node_stats() (wkd/node.h), and the list it is generated from.
 *
 * WKD_STATS_MAP is the one list of the counters: the struct's fields, the
 * agent's Prometheus metrics and each binding's statistics follow it, and
 * wkd_stats_describe() tells it at run time (name, kind, help, offset),
 * so a binding reads and checks the fields without retyping them.
 */
#ifndef WKD_STATS_H
#define WKD_STATS_H

#include "wkd/common.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/*
 * XX(TYPE, name, KIND, help): the fields of wkd_stats after struct_size, in
 * order. KIND is COUNTER (only grows) or GAUGE (goes up and down). New
 * fields are appended at the end only; wkd_stats_describe() tells the list
 * at run time.
 */
#define WKD_STATS_MAP(XX)                                                                            \
  XX(uint64_t, packets_in, COUNTER, "UDP datagrams received")                                        \
  XX(uint64_t, packets_out, COUNTER, "UDP datagrams sent")                                           \
  XX(uint64_t, bytes_in, COUNTER, "UDP and TCP bytes received")                                      \
  XX(uint64_t, bytes_out, COUNTER, "UDP and TCP bytes sent")                                         \
  XX(uint64_t, streams_in, COUNTER, "TCP connections accepted")                                      \
  XX(uint64_t, streams_out, COUNTER, "TCP connections dialled")                                      \
  XX(uint64_t, drops_total, COUNTER, "inputs dropped for any reason below")                          \
  XX(uint64_t, drops_malformed, COUNTER, "undecodable: truncated, bad msgpack, bad lengths, ...")    \
  XX(uint64_t, drops_decrypt, COUNTER, "no key decrypted it, or plaintext refused")                  \
  XX(uint64_t, drops_checksum, COUNTER, "CRC mismatch")                                              \
  XX(uint64_t, drops_label, COUNTER, "wrong or malformed cluster label")                             \
  XX(uint64_t, drops_unknown_type, COUNTER, "unknown message type")                                  \
  XX(uint64_t, drops_oversized, COUNTER, "over a size limit")                                        \
  XX(uint64_t, drops_queue_full, COUNTER, "receive queue full")                                      \
  XX(uint64_t, drops_socket, COUNTER, "socket errors on receive")                                    \
  XX(uint64_t, probes, COUNTER, "probes started")                                                    \
  XX(uint64_t, probe_failures, COUNTER, "probes with no ack, direct or indirect")                    \
  XX(uint64_t, indirect_probes, COUNTER, "indirect ping requests sent")                              \
  XX(uint64_t, suspicions, COUNTER, "members this node suspected")                                   \
  XX(uint64_t, refutations, COUNTER, "suspicions of this node it refuted")                           \
  XX(uint64_t, push_pulls, COUNTER, "push/pull exchanges completed")                                 \
  XX(uint64_t, gossip_messages, COUNTER, "broadcasts sent (each retransmission counts)")             \
  XX(uint32_t, members_alive, GAUGE, "other members alive or leaving (this node not counted)")       \
  XX(uint32_t, members_suspect, GAUGE, "other members suspected")                                    \
  XX(uint32_t, members_failed, GAUGE, "members declared failed, until reaped")                       \
  XX(uint32_t, members_left, GAUGE, "members that left, until reaped")                               \
  XX(uint32_t, health_score, GAUGE, "Lifeguard local health awareness, 0 = healthy")                 \
  XX(uint32_t, incarnation, GAUGE, "this node's incarnation")

/** Counters of a node (sized output struct); the fields are WKD_STATS_MAP's. */
typedef struct wkd_stats {
  uint32_t struct_size; /**< in: sizeof(wkd_stats) */
#define WKD_STATS_FIELD_(type, name, kind, help) type name;
  WKD_STATS_MAP(WKD_STATS_FIELD_)
#undef WKD_STATS_FIELD_
  /* New fields are appended to WKD_STATS_MAP only. */
} wkd_stats;

#define WKD_STATS_INIT \
  {sizeof(wkd_stats), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

/** Description of one wkd_stats field (sized output struct). */
typedef struct wkd_stat_info {
  uint32_t struct_size; /**< in: sizeof(wkd_stat_info) */
  const char* name;     /**< out: the field's name, "packets_in"; static storage */
  const char* kind;     /**< out: "counter" or "gauge"; static storage */
  const char* help;     /**< out: one line of English; static storage */
  uint32_t offset;      /**< out: offsetof(wkd_stats, field) */
  uint32_t size;        /**< out: sizeof the field: 4 or 8 */
} wkd_stat_info;

#define WKD_STAT_INFO_INIT {sizeof(wkd_stat_info), NULL, NULL, NULL, 0, 0}

/** Number of fields of wkd_stats after struct_size (WKD_STATS_MAP's rows). @since 0.1 */
WKD_API size_t wkd_stats_count(void);

/**
 * Describes field `index` of wkd_stats, in declaration order, so bindings
 * can read and check the counters without retyping them.
 * @param out sized struct; set out->struct_size first.
 * @retval WKD_E_NOTFOUND index >= wkd_stats_count().
 * @retval WKD_E_INVAL out is NULL or its struct_size is too small.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API wkd_status wkd_stats_describe(wkd_stat_info* out, size_t index, wkd_error* err);

WKD_END_DECL

#endif /* WKD_STATS_H */
