/*
 * wkd/registration.h - what a node says about itself.
 *
 * Every node advertises an identity to the cluster: the database type it
 * serves, the wire protocol clients speak to it, the endpoint they connect
 * to, the groups it belongs to, its capabilities and free-form tags. The
 * identity travels as Serf tags in the node's gossip metadata, so serf and
 * memberlist peers see it too, under these reserved keys:
 *
 *     wkd       the wkd version (marks the peer as a wkd node)
 *     db        database_type
 *     wire      wire_protocol
 *     endpoint  endpoint ("host:port")
 *     groups    groups, comma-separated
 *     caps      capabilities, comma-separated
 *     health    the node's own health (wkd_node_set_health)
 *
 * Free tags may use any other key. The whole encoded metadata must fit in
 * 512 bytes (memberlist's limit); a registration that would exceed it is
 * refused with WKD_E_TOOBIG naming both sizes, and the previous identity
 * stays in force.
 *
 *     const char* groups[] = {"orders", "eu-west"};
 *     wkd_kv tags[] = {{"zone", "a"}};
 *     wkd_registration reg = WKD_REGISTRATION_INIT;
 *     reg.database_type = "postgres";
 *     reg.wire_protocol = "pgwire";
 *     reg.endpoint = "127.0.0.1:5432";
 *     reg.groups = groups;  reg.n_groups = 2;
 *     reg.tags = tags;      reg.n_tags = 1;
 *     wkd_register(node, &reg, &err);
 *
 * wkd_registration is a sized struct: the library reads only struct_size
 * bytes of it, so a program built against an older header keeps working
 * when fields are appended. It describes the node only: the services the
 * node runs are registered as instances through wkd/service.h.
 */
#ifndef WKD_REGISTRATION_H
#define WKD_REGISTRATION_H

#include "wkd/common.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/** A key/value pair of UTF-8 strings. */
typedef struct wkd_kv {
  const char* key;
  const char* value;
} wkd_kv;

/** A node's identity. All pointers are borrowed for the duration of the call. */
typedef struct wkd_registration {
  uint32_t struct_size;              /**< sizeof(wkd_registration) */
  const char* database_type;         /**< tag "db"; NULL or "" = not advertised */
  const char* wire_protocol;         /**< tag "wire"; NULL or "" = not advertised */
  const char* endpoint;              /**< tag "endpoint", "host:port" or "[v6]:port" */
  const char* const* groups;         /**< each [a-z0-9][a-z0-9._-]{0,62} */
  size_t n_groups;
  const char* const* capabilities;   /**< free words without commas */
  size_t n_capabilities;
  const wkd_kv* tags;                /**< free tags; reserved keys are refused */
  size_t n_tags;
  /* New fields are appended here only. */
} wkd_registration;

#define WKD_REGISTRATION_INIT {sizeof(wkd_registration), NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, 0}

/**
 * Initialises a registration to "advertise nothing", for FFIs.
 * @param reg the struct; NULL is ignored.
 * @param struct_size the caller's sizeof(wkd_registration).
 * @since 0.1
 */
WKD_API void wkd_registration_init(wkd_registration* reg, size_t struct_size);

/**
 * Replaces the node's advertised identity, atomically and cluster-wide: the
 * new metadata is gossiped with a bumped incarnation and every node sees
 * the whole change at once. Registering the same identity again does
 * nothing (no gossip).
 * @param node a created node (started or not).
 * @param reg the identity; copied.
 * @retval WKD_E_INVAL a malformed group, endpoint, capability, or a free
 *         tag using a reserved key; the message names it.
 * @retval WKD_E_TOOBIG the encoded metadata exceeds 512 bytes.
 * @retval WKD_E_CLOSED the node is closed.
 * @threadsafety Any thread, including a watch callback.
 * @since 0.1
 */
WKD_API wkd_status wkd_register(wkd_node_t* node, const wkd_registration* reg, wkd_error* err);

WKD_END_DECL

#endif /* WKD_REGISTRATION_H */
