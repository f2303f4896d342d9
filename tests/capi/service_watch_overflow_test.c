/*
 * A pulled service watch whose consumer falls behind, through the C API,
 * on two real nodes on loopback (127.0.9.11-12, port 0). Node a registers
 * 40 "orders" and then 20 "billing" instances while node b's pulled
 * watches (one on "orders", one on every service with name NULL, one
 * with name "") sit undrained with small queues. Each must then hand out
 * exactly one WKD_EVENT_OVERFLOW first, carrying the version of the
 * event that overflowed the queue, followed by the latest events in the
 * order they happened, and nothing more; a fresh snapshot shows every
 * instance. A callback watch on every service, which has no queue, sees
 * all 60 events. After the overflow has been taken, a watch keeps
 * working: the next registrations arrive with no further overflow.
 * Every wait has a deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"
#include "registry_calls.h"

enum { N_ORDERS = 40, N_BILLING = 20, N_ALL = N_ORDERS + N_BILLING, SEEN_MAX = N_ALL + 8 };

/*
 * What the callback watch saw, in order. Written on b's loop thread; the
 * count is published with a release store after the entry is written and
 * read with an acquire load (C99 has no <stdatomic.h>: GCC builtins).
 */
typedef struct seen_event {
  char service[16];
  char id[16];
  uint64_t version;
  wkd_event_type type;
} seen_event;

static seen_event seen[SEEN_MAX];
static int seen_count = 0;
static int seen_bad = 0;

static void on_instance(const wkd_event_t* ev, void* user_data) {
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  int n = __atomic_load_n(&seen_count, __ATOMIC_RELAXED);
  (void)user_data;
  if (n >= SEEN_MAX || wkd_event_instance(&in, ev, NULL) != WKD_OK) {
    __atomic_fetch_add(&seen_bad, 1, __ATOMIC_SEQ_CST);
    return;
  }
  snprintf(seen[n].service, sizeof seen[n].service, "%s", in.service_name);
  snprintf(seen[n].id, sizeof seen[n].id, "%s", in.instance_id);
  seen[n].version = wkd_event_version(ev);
  seen[n].type = wkd_event_get_type(ev);
  __atomic_store_n(&seen_count, n + 1, __ATOMIC_RELEASE);
}

static int wait_seen(int want, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    if (__atomic_load_n(&seen_count, __ATOMIC_ACQUIRE) >= want) return 1;
    sleep_ms(20);
  }
  return 0;
}

static wkd_watch_t* pulled_watch(wkd_node_t* node, const char* name, uint32_t capacity) {
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  wkd_watch_t* w = NULL;
  spec.kind = WKD_WATCH_SERVICE;
  spec.name = name;
  spec.queue_capacity = capacity;
  CHECK_OK(wkd_watch(&w, node, &spec, NULL, NULL, &e_));
  return w;
}

/*
 * Drains `w` (which follows `service`, NULL for every service, with a
 * queue of `capacity`): one OVERFLOW with the version of the event that
 * overflowed the queue (the callback's event number `capacity` of that
 * service), then the last capacity - 1 events of that service as the
 * callback saw them, in order, and then nothing.
 */
static void expect_overflowed(wkd_watch_t* w, const char* service, int capacity, const char* label) {
  int idx[SEEN_MAX];
  int n = 0, i;
  wkd_event_t* ev = NULL;
  wkd_error err = WKD_ERROR_INIT;
  for (i = 0; i < __atomic_load_n(&seen_count, __ATOMIC_ACQUIRE); i++)
    if (service == NULL || strcmp(seen[i].service, service) == 0) idx[n++] = i;
  if (n <= capacity || w == NULL) {
    fprintf(stderr, "%s: %d events for a queue of %d, nothing to overflow\n", label, n, capacity);
    failures++;
    return;
  }
  if (wkd_watch_next_event(&ev, w, 5000, &err) != WKD_OK) {
    fprintf(stderr, "%s: no event: %s\n", label, err.message);
    failures++;
    return;
  }
  if (wkd_event_get_type(ev) != WKD_EVENT_OVERFLOW) {
    fprintf(stderr, "%s: first event is %s, want overflow\n", label, wkd_event_type_name(wkd_event_get_type(ev)));
    failures++;
  } else if (wkd_event_version(ev) != seen[idx[capacity]].version) {
    fprintf(stderr, "%s: overflow version %llu, want %llu (the event that overflowed)\n", label,
            (unsigned long long)wkd_event_version(ev), (unsigned long long)seen[idx[capacity]].version);
    failures++;
  }
  {
    /* An overflow is not an instance event. */
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    CHECK(wkd_event_instance(&in, ev, NULL) == WKD_E_STATE);
  }
  wkd_event_free(ev);
  for (i = n - (capacity - 1); i < n; i++) {
    const seen_event* want = &seen[idx[i]];
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    ev = NULL;
    if (wkd_watch_next_event(&ev, w, 5000, &err) != WKD_OK) {
      fprintf(stderr, "%s: kept event %d missing: %s\n", label, i, err.message);
      failures++;
      return;
    }
    if (wkd_event_get_type(ev) != want->type || wkd_event_instance(&in, ev, NULL) != WKD_OK ||
        strcmp(in.service_name, want->service) != 0 || strcmp(in.instance_id, want->id) != 0 ||
        wkd_event_version(ev) != want->version) {
      fprintf(stderr, "%s: kept event %d is %s %s/%s v%llu, want %s %s/%s v%llu\n", label, i,
              wkd_event_type_name(wkd_event_get_type(ev)), in.service_name ? in.service_name : "(none)",
              in.instance_id ? in.instance_id : "(none)", (unsigned long long)wkd_event_version(ev),
              wkd_event_type_name(want->type), want->service, want->id, (unsigned long long)want->version);
      failures++;
    }
    wkd_event_free(ev);
  }
  /* Nothing else: exactly one overflow, and no event twice. */
  ev = NULL;
  CHECK(wkd_watch_next_event(&ev, w, 0, &err) == WKD_E_TIMEOUT && ev == NULL);
}

static void register_instance(wkd_node_t* node, const char* service, const char* id, uint16_t port) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = service;
  s.instance_id = id;
  s.host = "192.0.2.9";
  s.port = port;
  CHECK_OK(wkd_service_register(node, &s, &e_));
}

static size_t instance_count(wkd_node_t* node, const char* service) {
  wkd_instances_t* snap = NULL;
  size_t n = 0;
  CHECK_OK(wkd_node_instances(&snap, node, service, NULL, &e_));
  n = wkd_instances_count(snap);
  wkd_instances_free(snap);
  return n;
}

int main(void) {
  wkd_node_t* a = make_fast_node("overflow-a", "127.0.9.11:0", FAST_NODE_START, 0);
  wkd_node_t* b = make_fast_node("overflow-b", "127.0.9.12:0", FAST_NODE_START, 0);
  wkd_watch_t* orders = NULL;
  wkd_watch_t* every = NULL;
  wkd_watch_t* every_empty = NULL;
  wkd_watch_t* callback = NULL;
  char seed[64];
  char id[16];
  const char* seeds[1];
  int i;

  if (a == NULL || b == NULL) return 1;
  CHECK_OK(wkd_node_local_addr(seed, sizeof seed, NULL, a, &e_));
  seeds[0] = seed;
  CHECK_OK(wkd_node_join(NULL, b, seeds, 1, 5000, &e_));
  CHECK(wait_member_state(b, "overflow-a", WKD_MEMBER_ALIVE, 10));

  orders = pulled_watch(b, "orders", 4);
  every = pulled_watch(b, NULL, 4);
  every_empty = pulled_watch(b, "", 6);
  {
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    spec.kind = WKD_WATCH_SERVICE;
    CHECK_OK(wkd_watch(&callback, b, &spec, on_instance, NULL, &e_));
  }
  if (orders == NULL || every == NULL || every_empty == NULL || callback == NULL) return 1;

  /* 40 orders, then 20 billing instances; b drains nothing meanwhile. */
  for (i = 0; i < N_ORDERS; i++) {
    snprintf(id, sizeof id, "o-%02d", i);
    register_instance(a, "orders", id, (uint16_t)(8000 + i));
  }
  for (i = 0; i < N_BILLING; i++) {
    snprintf(id, sizeof id, "b-%02d", i);
    register_instance(a, "billing", id, (uint16_t)(9000 + i));
  }

  /* The callback watch misses nothing: every instance once, registered,
     in the order of the views. */
  CHECK(wait_seen(N_ALL, 20));
  sleep_ms(200); /* room for a stray extra event to show */
  CHECK(__atomic_load_n(&seen_count, __ATOMIC_ACQUIRE) == N_ALL);
  CHECK(__atomic_load_n(&seen_bad, __ATOMIC_SEQ_CST) == 0);
  {
    int orders_seen = 0, billing_seen = 0, n = __atomic_load_n(&seen_count, __ATOMIC_ACQUIRE);
    for (i = 0; i < n; i++) {
      int j;
      CHECK(seen[i].type == WKD_EVENT_INSTANCE_REGISTERED);
      CHECK(i == 0 || seen[i].version >= seen[i - 1].version);
      for (j = 0; j < i; j++)
        CHECK(strcmp(seen[i].service, seen[j].service) != 0 || strcmp(seen[i].id, seen[j].id) != 0);
      orders_seen += strcmp(seen[i].service, "orders") == 0;
      billing_seen += strcmp(seen[i].service, "billing") == 0;
    }
    CHECK(orders_seen == N_ORDERS && billing_seen == N_BILLING);
  }

  /* Each pulled watch: one overflow where events were dropped, then the
     latest events in order. */
  expect_overflowed(orders, "orders", 4, "orders watch");
  expect_overflowed(every, NULL, 4, "every-service watch (NULL)");
  expect_overflowed(every_empty, NULL, 6, "every-service watch (\"\")");

  /* A fresh snapshot after the overflow shows everything. */
  CHECK(instance_count(b, "orders") == N_ORDERS);
  CHECK(instance_count(b, "billing") == N_BILLING);
  CHECK(instance_count(b, NULL) == N_ALL);

  /* Having taken the overflow, the watch goes on: two new instances
     arrive as two events (in either order when one view holds both),
     with no overflow. */
  register_instance(a, "orders", "o-new-1", 7001);
  register_instance(a, "orders", "o-new-2", 7002);
  {
    uint64_t last = 0;
    int got[2] = {0, 0};
    for (i = 0; i < 2; i++) {
      wkd_event_t* ev = NULL;
      wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
      CHECK_OK(wkd_watch_next_event(&ev, orders, 10000, &e_));
      if (ev == NULL) break;
      CHECK(wkd_event_get_type(ev) == WKD_EVENT_INSTANCE_REGISTERED);
      if (wkd_event_instance(&in, ev, NULL) == WKD_OK) {
        if (strcmp(in.instance_id, "o-new-1") == 0) got[0]++;
        if (strcmp(in.instance_id, "o-new-2") == 0) got[1]++;
      }
      CHECK(wkd_event_version(ev) >= last);
      last = wkd_event_version(ev);
      wkd_event_free(ev);
    }
    CHECK(got[0] == 1 && got[1] == 1);
  }
  CHECK(wait_seen(N_ALL + 2, 10));

  wkd_watch_free(orders);
  wkd_watch_free(every);
  wkd_watch_free(every_empty);
  wkd_watch_free(callback);
  wkd_node_close(b);
  wkd_node_free(b);
  wkd_node_close(a);
  wkd_node_free(a);
  if (failures == 0) printf("service_watch_overflow_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
