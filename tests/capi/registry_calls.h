/*
 * What the C API tests of the registry share: CHECK_OK and CHECK_ERR
 * (each declares `e_`, a wkd_error the call may fill in: pass &e_) and a
 * wait for an instance's status on a node, with a deadline. Include after
 * check.h and fast_node.h.
 */
#ifndef WKD_TESTS_CAPI_REGISTRY_CALLS_H
#define WKD_TESTS_CAPI_REGISTRY_CALLS_H

#include <stdio.h>
#include <string.h>

#include "wkd.h"

#define CHECK_OK(call)                                                                                \
  do {                                                                                                \
    wkd_error e_ = WKD_ERROR_INIT;                                                                    \
    wkd_status st_ = (call);                                                                          \
    if (st_ != WKD_OK) {                                                                              \
      fprintf(stderr, "%s:%d: %s -> %s '%s'\n", __FILE__, __LINE__, #call, wkd_status_name(st_), e_.message); \
      failures++;                                                                                     \
    }                                                                                                 \
    (void)e_;                                                                                         \
  } while (0)

static inline int starts_with(const char* text, const char* prefix) {
  return prefix == NULL || strncmp(text, prefix, strlen(prefix)) == 0;
}

/* The call returns `want` and its message starts with `prefix` (NULL: any). */
#define CHECK_ERR(call, want, prefix)                                                                   \
  do {                                                                                                  \
    wkd_error e_ = WKD_ERROR_INIT;                                                                      \
    wkd_status st_ = (call);                                                                            \
    if (st_ != (want) || e_.status != (want) || !starts_with(e_.message, (prefix))) {                   \
      fprintf(stderr, "%s:%d: %s -> %s '%s', want %s '%s...'\n", __FILE__, __LINE__, #call,             \
              wkd_status_name(st_), e_.message, wkd_status_name(want), starts_with("", (prefix)) ? "" : (prefix)); \
      failures++;                                                                                       \
    }                                                                                                   \
  } while (0)

/*
 * Waits until `node` holds (service, id) with `status` (-1: any) and, when
 * check >= 0, that check state. Returns 1 on success.
 */
static inline int wait_instance(wkd_node_t* node, const char* service, const char* id, int status, int check,
                         double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    int ok = 0;
    if (wkd_node_instance(&snap, node, service, id, NULL) == WKD_OK && wkd_instances_at(&in, snap, 0, NULL) == WKD_OK)
      ok = (status < 0 || (int)in.status == status) && (check < 0 || (int)in.check_state == check);
    wkd_instances_free(snap);
    if (ok) return 1;
    sleep_ms(20);
  }
  return 0;
}

#endif /* WKD_TESTS_CAPI_REGISTRY_CALLS_H */
