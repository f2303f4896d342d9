/*
 * A node for the C API tests that run real clusters on loopback: the local
 * preset with faster probes and gossip, errors only in the log. Include
 * after check.h.
 */
#ifndef WKD_TESTS_CAPI_FAST_NODE_H
#define WKD_TESTS_CAPI_FAST_NODE_H

#include <stdio.h>

#include "wkd.h"

enum { FAST_NODE_IDLE = 0, FAST_NODE_START = 1 };

/*
 * The configuration of a fast node named `name` bound to `bind`
 * ("ip:port"); `leave_delay_ms` > 0 sets WKD_OPT_LEAVE_PROPAGATE_DELAY_MS.
 * NULL when it cannot be made. The caller frees it.
 */
static inline wkd_config_t* fast_node_config(const char* name, const char* bind, int leave_delay_ms) {
  wkd_config_t* cfg = NULL;
  if (wkd_config_new(&cfg, WKD_PRESET_LOCAL, NULL) != WKD_OK) return NULL;
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, NULL);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind, NULL);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_INTERVAL_MS, 200, NULL);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_TIMEOUT_MS, 100, NULL);
  wkd_config_set_int(cfg, WKD_OPT_GOSSIP_INTERVAL_MS, 50, NULL);
  if (leave_delay_ms > 0) wkd_config_set_int(cfg, WKD_OPT_LEAVE_PROPAGATE_DELAY_MS, leave_delay_ms, NULL);
  wkd_config_set_log(cfg, WKD_LOG_ERROR, NULL, NULL, NULL);
  return cfg;
}

/*
 * A node made from `cfg` (named `name` in messages), started when `start`
 * is FAST_NODE_START. NULL (and a line on stderr) when it cannot be made
 * or started. `cfg` stays the caller's.
 */
static inline wkd_node_t* make_node_from(wkd_config_t* cfg, const char* name, int start) {
  wkd_node_t* node = NULL;
  wkd_error err = WKD_ERROR_INIT;
  if (cfg == NULL) return NULL;
  if (wkd_node_create(&node, cfg, &err) != WKD_OK) {
    fprintf(stderr, "create %s: %s\n", name, err.message);
    return NULL;
  }
  if (start == FAST_NODE_START && wkd_node_start(node, &err) != WKD_OK) {
    fprintf(stderr, "start %s: %s\n", name, err.message);
    wkd_node_free(node);
    node = NULL;
  }
  return node;
}

/* A fast node named `name` bound to `bind`; see fast_node_config. */
static inline wkd_node_t* make_fast_node(const char* name, const char* bind, int start, int leave_delay_ms) {
  wkd_config_t* cfg = fast_node_config(name, bind, leave_delay_ms);
  wkd_node_t* node = make_node_from(cfg, name, start);
  wkd_config_free(cfg);
  return node;
}

/* Waits until `node` sees `name` in `state`; returns 1 on success. */
static inline int wait_member_state(wkd_node_t* node, const char* name, wkd_member_state state, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_members_t* ms = NULL;
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    int ok = 0;
    if (wkd_node_members(&ms, node, NULL, NULL) == WKD_OK && wkd_members_find(&m, ms, name, NULL) == WKD_OK)
      ok = m.state == state;
    wkd_members_free(ms);
    if (ok) return 1;
    sleep_ms(20);
  }
  return 0;
}

#endif /* WKD_TESTS_CAPI_FAST_NODE_H */
