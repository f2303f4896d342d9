/*
 * Self-registration through the C API (wkd_service_self_register), on real
 * nodes on loopback (127.0.5.31-34): an instance self-registered before
 * the node starts is registered by wkd_node_start and seen by a peer; a
 * refused description is refused before start; a graceful leave
 * deregisters it; wkd_node_free of a running node deregisters its
 * instances and leaves, so the peer never sees them DOWN; and a
 * self-registration ended with wkd_service_deregister before start never
 * runs. Every wait has a deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"
#include "registry_calls.h"

static wkd_service self(const char* name, const char* id) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = name;
  s.instance_id = id;
  s.host = "192.0.2.31";
  s.port = 9000;
  return s;
}

/*
 * Waits until `node` holds (service, id) no more or holds it DEREGISTERED;
 * 0 at the deadline, or as soon as it is seen DOWN (an owner that went
 * without saying so).
 */
static int wait_gone(wkd_node_t* node, const char* service, const char* id, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    wkd_status st = wkd_node_instance(&snap, node, service, id, NULL);
    int gone = st == WKD_E_NOTFOUND;
    int down = 0;
    if (st == WKD_OK && wkd_instances_at(&in, snap, 0, NULL) == WKD_OK) {
      gone = in.status == WKD_INSTANCE_DEREGISTERED;
      down = in.status == WKD_INSTANCE_DOWN;
    }
    wkd_instances_free(snap);
    if (down) {
      fprintf(stderr, "%s/%s was seen DOWN\n", service, id);
      return 0;
    }
    if (gone) return 1;
    sleep_ms(20);
  }
  return 0;
}

static int join(wkd_node_t* node, wkd_node_t* seed_node) {
  char seed[64];
  const char* seeds[1];
  int joined = 0;
  if (wkd_node_local_addr(seed, sizeof(seed), NULL, seed_node, NULL) != WKD_OK) return 0;
  seeds[0] = seed;
  return wkd_node_join(&joined, node, seeds, 1, 5000, NULL) == WKD_OK && joined == 1;
}

int main(void) {
  wkd_node_t* a = make_fast_node("self-a", "127.0.5.31:0", FAST_NODE_IDLE, 0);
  wkd_node_t* b = make_fast_node("self-b", "127.0.5.32:0", FAST_NODE_START, 0);
  wkd_node_t* c = make_fast_node("self-c", "127.0.5.33:0", FAST_NODE_IDLE, 0);
  if (a == NULL || b == NULL || c == NULL) {
    fprintf(stderr, "could not create the nodes\n");
    return 1;
  }

  /* Before start: judged now, registered later. */
  {
    wkd_service s = self("api", "a-1");
    wkd_check ttl = WKD_CHECK_INIT;
    CHECK_ERR(wkd_service_self_register(NULL, &s, &e_), WKD_E_INVAL, "node");
    CHECK_ERR(wkd_service_self_register(a, NULL, &e_), WKD_E_INVAL, "svc is NULL");
    s.port = 0;
    CHECK_ERR(wkd_service_self_register(a, &s, &e_), WKD_E_INVAL, "port");
    s.port = 9000;
    ttl.kind = WKD_CHECK_KIND_TTL; /* without its ttl_ms */
    s.checks = &ttl;
    s.n_checks = 1;
    CHECK_ERR(wkd_service_self_register(a, &s, &e_), WKD_E_INVAL, "checks[0].ttl_ms");
    ttl.ttl_ms = 60000;
    CHECK_OK(wkd_service_self_register(a, &s, &e_));
    /* Registered again: replaced, not doubled. */
    s.port = 9001;
    CHECK_OK(wkd_service_self_register(a, &s, &e_));
    /* One that is ended before start never runs. */
    s = self("api", "a-never");
    CHECK_OK(wkd_service_self_register(a, &s, &e_));
    CHECK_OK(wkd_service_deregister(a, "api", "a-never", &e_));
    /* The plain registration still needs a started node. */
    s = self("api", "a-plain");
    CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_STATE, NULL);
  }
  CHECK_OK(wkd_node_start(a, &e_));
  CHECK(join(b, a));
  CHECK(wait_instance(b, "api", "a-1", WKD_INSTANCE_STARTING, -1, 10));
  {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    CHECK_OK(wkd_node_instance(&snap, b, "api", "a-1", &e_));
    CHECK(wkd_instances_at(&in, snap, 0, NULL) == WKD_OK && in.port == 9001);
    wkd_instances_free(snap);
    CHECK_ERR(wkd_node_instance(&snap, a, "api", "a-never", &e_), WKD_E_NOTFOUND, NULL);
    wkd_instances_free(snap);
    /* Its TTL check runs on a. */
    CHECK_OK(wkd_service_check_report(a, "api", "a-1", "ttl", WKD_CHECK_PASSING, "up", &e_));
    CHECK(wait_instance(b, "api", "a-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_PASSING, 10));
  }
  /* On a started node, a self-registration is registered at once. */
  {
    wkd_service s = self("api", "a-2");
    CHECK_OK(wkd_service_self_register(a, &s, &e_));
    CHECK(wait_instance(b, "api", "a-2", WKD_INSTANCE_STARTING, -1, 10));
  }
  /* A graceful leave deregisters both. */
  CHECK_OK(wkd_node_leave(a, 5000, &e_));
  CHECK(wait_gone(b, "api", "a-1", 10));
  CHECK(wait_gone(b, "api", "a-2", 10));

  /* wkd_node_free of a running node: deregistered and left, never DOWN. */
  {
    wkd_service s = self("worker", "w-1");
    CHECK_OK(wkd_node_start(c, &e_));
    CHECK_OK(wkd_service_self_register(c, &s, &e_));
    CHECK(join(c, b));
    CHECK(wait_instance(b, "worker", "w-1", WKD_INSTANCE_STARTING, -1, 10));
    wkd_node_free(c);
    c = NULL;
    CHECK(wait_gone(b, "worker", "w-1", 10));
    CHECK(wait_member_state(b, "self-c", WKD_MEMBER_LEFT, 10));
  }

  wkd_node_free(a);
  wkd_node_free(b);
  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("service self-registration: all passed\n");
  return 0;
}
