/*
 * Service watches through the C API (WKD_WATCH_SERVICE and
 * WKD_WATCH_SERVICE_HEALTHY), on two real nodes on loopback (127.0.5.x,
 * port 0): the initial snapshot, then each change a registrant makes on
 * one node reaching a pulled watch on the other, in order, with the
 * instance after and before the change; a callback watch that takes only
 * the changes of healthy instances; and the accessors' refusals. Every
 * wait has a deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"

#define CHECK_OK(call)                                                                        \
  do {                                                                                        \
    wkd_status st_ = (call);                                                                  \
    if (st_ != WKD_OK) {                                                                      \
      fprintf(stderr, "%s:%d: %s -> %s\n", __FILE__, __LINE__, #call, wkd_status_name(st_)); \
      failures++;                                                                             \
    }                                                                                         \
  } while (0)

static int wait_instance(wkd_node_t* node, const char* service, const char* id, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_instances_t* snap = NULL;
    int ok = wkd_node_instance(&snap, node, service, id, NULL) == WKD_OK;
    wkd_instances_free(snap);
    if (ok) return 1;
    sleep_ms(20);
  }
  return 0;
}

static uint64_t last_version = 0;

/*
 * Pulls the next event of `w` (10 s at most): it must be `type` about
 * orders/`id`. Returns it (the caller frees it) or NULL after counting a
 * failure.
 */
static wkd_event_t* expect_event(wkd_watch_t* w, wkd_event_type type, const char* id, int line) {
  wkd_event_t* ev = NULL;
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  wkd_error err = WKD_ERROR_INIT;
  if (wkd_watch_next_event(&ev, w, 10000, &err) != WKD_OK) {
    fprintf(stderr, "line %d: no event (%s), want %s %s\n", line, err.message, wkd_event_type_name(type), id);
    failures++;
    return NULL;
  }
  if (wkd_event_get_type(ev) != type || wkd_event_instance(&in, ev, NULL) != WKD_OK ||
      strcmp(in.service_name, "orders") != 0 || strcmp(in.instance_id, id) != 0) {
    fprintf(stderr, "line %d: got %s %s, want %s %s\n", line, wkd_event_type_name(wkd_event_get_type(ev)),
            in.instance_id != NULL ? in.instance_id : "(none)", wkd_event_type_name(type), id);
    failures++;
    wkd_event_free(ev);
    return NULL;
  }
  if (wkd_event_version(ev) < last_version) {
    fprintf(stderr, "line %d: version %llu after %llu\n", line, (unsigned long long)wkd_event_version(ev),
            (unsigned long long)last_version);
    failures++;
  }
  last_version = wkd_event_version(ev);
  return ev;
}

/* Written on b's loop thread, read by main: GCC atomic builtins (C99 has no <stdatomic.h>). */
static int healthy_events = 0;
static int healthy_bad = 0;
static void on_healthy(const wkd_event_t* ev, void* user_data) {
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  wkd_instance_info before = WKD_INSTANCE_INFO_INIT;
  (void)user_data;
  if (wkd_event_instance(&in, ev, NULL) != WKD_OK) {
    __atomic_fetch_add(&healthy_bad, 1, __ATOMIC_SEQ_CST);
    return;
  }
  /* Each change it takes has the instance HEALTHY after or before it. */
  if (in.status != WKD_INSTANCE_HEALTHY &&
      (wkd_event_instance_previous(&before, ev, NULL) != WKD_OK || before.status != WKD_INSTANCE_HEALTHY))
    __atomic_fetch_add(&healthy_bad, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&healthy_events, 1, __ATOMIC_SEQ_CST);
}

static int wait_count(int* counter, int want, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    if (__atomic_load_n(counter, __ATOMIC_SEQ_CST) >= want) return 1;
    sleep_ms(20);
  }
  return 0;
}

static wkd_service orders(const char* id, uint16_t port) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = "orders";
  s.instance_id = id;
  s.host = "192.0.2.7";
  s.port = port;
  s.ttl_ms = 60000;
  return s;
}

int main(void) {
  wkd_node_t* a = make_fast_node("watch-a", "127.0.5.11:0", FAST_NODE_START, 0);
  wkd_node_t* b = make_fast_node("watch-b", "127.0.5.12:0", FAST_NODE_START, 0);
  wkd_watch_t* pulled = NULL;
  wkd_watch_t* healthy = NULL;
  wkd_watch_t* members = NULL;
  wkd_event_t* ev;
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  wkd_instance_info before = WKD_INSTANCE_INFO_INIT;
  wkd_error err = WKD_ERROR_INIT;
  char seed[64];
  const char* seeds[1];
  wkd_service s;

  if (a == NULL || b == NULL) return 1;
  s = orders("o-1", 8080);
  CHECK_OK(wkd_service_register(a, &s, &err));
  CHECK_OK(wkd_node_local_addr(seed, sizeof seed, NULL, a, &err));
  seeds[0] = seed;
  CHECK_OK(wkd_node_join(NULL, b, seeds, 1, 5000, &err));
  CHECK(wait_instance(b, "orders", "o-1", 10));

  {
    /* Watches are refused on bad arguments. */
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    wkd_watch_t* w = NULL;
    spec.kind = (wkd_watch_kind)99;
    CHECK(wkd_watch(&w, b, &spec, NULL, NULL, &err) == WKD_E_INVAL && w == NULL);
    spec.kind = WKD_WATCH_SERVICE;
    spec.flags = 0x80;
    CHECK(wkd_watch(&w, b, &spec, NULL, NULL, &err) == WKD_E_INVAL && w == NULL);
  }
  {
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    spec.kind = WKD_WATCH_SERVICE;
    spec.name = "orders";
    spec.flags = WKD_WATCH_INITIAL;
    CHECK_OK(wkd_watch(&pulled, b, &spec, NULL, NULL, &err));
    spec.kind = WKD_WATCH_SERVICE_HEALTHY;
    spec.name = NULL; /* every service */
    spec.flags = 0;
    CHECK_OK(wkd_watch(&healthy, b, &spec, on_healthy, NULL, &err));
    spec.kind = WKD_WATCH_MEMBERS;
    spec.flags = WKD_WATCH_INITIAL;
    CHECK_OK(wkd_watch(&members, b, &spec, NULL, NULL, &err));
  }
  if (pulled == NULL || healthy == NULL || members == NULL) return 1;

  /* The snapshot: o-1 as registered, new to the watch. */
  ev = expect_event(pulled, WKD_EVENT_INSTANCE_REGISTERED, "o-1", __LINE__);
  if (ev != NULL) {
    CHECK_OK(wkd_event_instance(&in, ev, &err));
    CHECK(in.port == 8080 && strcmp(in.owner, "watch-a") == 0 && in.owner_known &&
          in.owner_state == WKD_MEMBER_ALIVE && strlen(in.uuid) == 36);
    CHECK(wkd_event_instance_previous(&before, ev, &err) == WKD_E_NOTFOUND && err.status == WKD_E_NOTFOUND);
    /* Not a member event. */
    {
      wkd_member_info m = WKD_MEMBER_INFO_INIT;
      CHECK(wkd_event_member(&m, ev, &err) == WKD_E_STATE);
    }
    CHECK(wkd_event_version(ev) > 0);
    wkd_event_free(ev);
  }
  /* A member event is not an instance event. */
  {
    wkd_event_t* mev = NULL;
    CHECK_OK(wkd_watch_next_event(&mev, members, 5000, &err));
    CHECK(mev != NULL && wkd_event_get_type(mev) == WKD_EVENT_MEMBER_JOINED);
    CHECK(wkd_event_instance(&in, mev, &err) == WKD_E_STATE && err.status == WKD_E_STATE);
    CHECK(wkd_event_instance_previous(&in, mev, &err) == WKD_E_STATE);
    CHECK(wkd_event_instance(NULL, mev, &err) == WKD_E_INVAL);
    CHECK(wkd_event_instance(&in, NULL, &err) == WKD_E_INVAL);
    wkd_event_free(mev);
  }

  /* A new instance. */
  s = orders("o-2", 8081);
  CHECK_OK(wkd_service_register(a, &s, &err));
  ev = expect_event(pulled, WKD_EVENT_INSTANCE_REGISTERED, "o-2", __LINE__);
  wkd_event_free(ev);

  /* A status flip: STARTING -> HEALTHY, with the record before it. */
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-1", WKD_CHECK_PASSING, NULL, &err));
  ev = expect_event(pulled, WKD_EVENT_INSTANCE_STATUS, "o-1", __LINE__);
  if (ev != NULL) {
    CHECK_OK(wkd_event_instance(&in, ev, &err));
    CHECK_OK(wkd_event_instance_previous(&before, ev, &err));
    CHECK(in.status == WKD_INSTANCE_HEALTHY && in.check_state == WKD_CHECK_PASSING);
    CHECK(before.status == WKD_INSTANCE_STARTING && before.check_state == WKD_CHECK_CRITICAL);
    CHECK(strcmp(in.uuid, before.uuid) == 0);
    wkd_event_free(ev);
  }

  /* Another service is not in this watch; an update of o-1 is. */
  s = orders("b-1", 7000);
  s.service_name = "billing";
  CHECK_OK(wkd_service_register(a, &s, &err));
  CHECK(wait_instance(b, "billing", "b-1", 10));
  s = orders("o-1", 9000);
  CHECK_OK(wkd_service_register(a, &s, &err));
  ev = expect_event(pulled, WKD_EVENT_INSTANCE_UPDATED, "o-1", __LINE__);
  if (ev != NULL) {
    CHECK_OK(wkd_event_instance(&in, ev, &err));
    CHECK_OK(wkd_event_instance_previous(&before, ev, &err));
    CHECK(in.port == 9000 && before.port == 8080 && in.status == WKD_INSTANCE_HEALTHY);
    wkd_event_free(ev);
  }

  /* Drain and deregistration. */
  CHECK_OK(wkd_service_drain(a, "orders", "o-1", &err));
  ev = expect_event(pulled, WKD_EVENT_INSTANCE_STATUS, "o-1", __LINE__);
  if (ev != NULL) {
    CHECK_OK(wkd_event_instance(&in, ev, &err));
    CHECK(in.status == WKD_INSTANCE_DRAINING);
    wkd_event_free(ev);
  }
  CHECK_OK(wkd_service_deregister(a, "orders", "o-2", &err));
  ev = expect_event(pulled, WKD_EVENT_INSTANCE_DEREGISTERED, "o-2", __LINE__);
  if (ev != NULL) {
    CHECK_OK(wkd_event_instance(&in, ev, &err));
    CHECK(in.status == WKD_INSTANCE_DEREGISTERED && in.deregistered_unix_ms > 0);
    CHECK(strcmp(wkd_event_type_name(wkd_event_get_type(ev)), "instance-deregistered") == 0);
    wkd_event_free(ev);
  }
  /* Nothing else came: billing never reached the orders watch. */
  ev = NULL;
  CHECK(wkd_watch_next_event(&ev, pulled, 200, &err) == WKD_E_TIMEOUT && ev == NULL);

  /* The healthy watch took o-1's flip to HEALTHY, its update and its drain
     (it was HEALTHY before), and nothing about o-2 or billing/b-1. */
  CHECK(wait_count(&healthy_events, 3, 10));
  sleep_ms(200);
  CHECK(__atomic_load_n(&healthy_events, __ATOMIC_SEQ_CST) == 3);
  CHECK(__atomic_load_n(&healthy_bad, __ATOMIC_SEQ_CST) == 0);

  wkd_watch_free(pulled);
  wkd_watch_free(healthy);
  wkd_watch_free(members);
  wkd_node_close(b);
  wkd_node_free(b);
  wkd_node_close(a);
  wkd_node_free(a);
  if (failures == 0) printf("service_watch_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
