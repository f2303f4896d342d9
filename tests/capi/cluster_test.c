/*
 * Three real nodes on loopback, through the C API only: start, join,
 * identity, membership snapshots, a pulled watch, a callback watch, user
 * events, graceful leave seen as "left", close and free. Every wait has a
 * deadline. Each run takes its own addresses (127.0.0.x, port 0) so the
 * suite can run in parallel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"

#define CHECK_OK(call)                                                             \
  do {                                                                             \
    wkd_error e_ = WKD_ERROR_INIT;                                                 \
    wkd_status st_ = (call);                                                       \
    (void)e_;                                                                      \
    if (st_ != WKD_OK) {                                                           \
      fprintf(stderr, "%s:%d: %s -> %s\n", __FILE__, __LINE__, #call, wkd_status_name(st_)); \
      failures++;                                                                  \
    }                                                                              \
  } while (0)

/* Written on the loop thread, read by main: GCC atomic builtins (C99 has no <stdatomic.h>). */
static int callback_events = 0;
static void on_event(const wkd_event_t* ev, void* user_data) {
  (void)user_data;
  if (wkd_event_get_type(ev) == WKD_EVENT_USER) __atomic_fetch_add(&callback_events, 1, __ATOMIC_SEQ_CST);
}
static int events_seen(void) { return __atomic_load_n(&callback_events, __ATOMIC_SEQ_CST); }

int main(void) {
  char bind[64], seed[64];
  const unsigned base = 10 + (unsigned)(now_s() * 1000) % 200;
  wkd_node_t* a;
  wkd_node_t* b;
  wkd_node_t* c;
  int joined = 0;
  wkd_error err = WKD_ERROR_INIT;
  wkd_watch_t* pulled = NULL;
  wkd_watch_t* callback = NULL;

  snprintf(bind, sizeof bind, "127.0.0.%u:0", base);
  a = make_fast_node("a", bind, FAST_NODE_START, 100);
  snprintf(bind, sizeof bind, "127.0.0.%u:0", base + 1);
  b = make_fast_node("b", bind, FAST_NODE_START, 100);
  snprintf(bind, sizeof bind, "127.0.0.%u:0", base + 2);
  c = make_fast_node("c", bind, FAST_NODE_START, 100);
  if (a == NULL || b == NULL || c == NULL) {
    fprintf(stderr, "could not start the nodes\n");
    return 1;
  }
  CHECK_OK(wkd_node_local_addr(seed, sizeof seed, NULL, a, NULL));

  {
    const char* groups[] = {"orders", "eu-west"};
    wkd_kv tags[] = {{"zone", "z1"}};
    wkd_registration reg = WKD_REGISTRATION_INIT;
    reg.database_type = "postgres";
    reg.wire_protocol = "pgwire";
    reg.endpoint = "127.0.0.1:5432";
    reg.groups = groups;
    reg.n_groups = 2;
    reg.tags = tags;
    reg.n_tags = 1;
    CHECK_OK(wkd_register(b, &reg, NULL));
    /* A reserved key as a free tag is refused. */
    {
      wkd_kv bad[] = {{"db", "x"}};
      reg.tags = bad;
      CHECK(wkd_register(b, &reg, &err) == WKD_E_INVAL);
    }
  }

  {
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    spec.kind = WKD_WATCH_MEMBERS;
    CHECK_OK(wkd_watch(&pulled, a, &spec, NULL, NULL, NULL));
    spec.kind = WKD_WATCH_USER_EVENTS;
    CHECK_OK(wkd_watch(&callback, c, &spec, on_event, NULL, NULL));
    spec.kind = (wkd_watch_kind)77;
    {
      wkd_watch_t* w = NULL;
      CHECK(wkd_watch(&w, a, &spec, NULL, NULL, NULL) == WKD_E_INVAL);
      CHECK(w == NULL);
    }
  }

  {
    const char* seeds[] = {seed};
    CHECK_OK(wkd_node_join(&joined, b, seeds, 1, 5000, NULL));
    CHECK(joined == 1);
    CHECK_OK(wkd_node_join(&joined, c, seeds, 1, 5000, NULL));
  }
  CHECK(wait_member_state(a, "b", WKD_MEMBER_ALIVE, 10));
  CHECK(wait_member_state(a, "c", WKD_MEMBER_ALIVE, 10));
  CHECK(wait_member_state(c, "b", WKD_MEMBER_ALIVE, 10));
  CHECK(wait_member_state(b, "c", WKD_MEMBER_ALIVE, 10));

  /* The identity b registered is seen by c, and filters select on it. */
  {
    double end = now_s() + 10;
    int found = 0;
    while (!found && now_s() < end) {
      wkd_members_t* ms = NULL;
      wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
      f.group = "orders";
      f.database_type = "postgres";
      if (wkd_node_members(&ms, c, &f, NULL) == WKD_OK && wkd_members_count(ms) == 1) {
        wkd_member_info m = WKD_MEMBER_INFO_INIT;
        CHECK_OK(wkd_members_at(&m, ms, 0, NULL));
        found = strcmp(m.name, "b") == 0 && strcmp(m.wire_protocol, "pgwire") == 0 &&
                strcmp(m.endpoint, "127.0.0.1:5432") == 0 && m.n_groups == 2 && m.health == WKD_HEALTH_PASSING &&
                m.last_seen_unix_ms > 0 && strcmp(m.wkd_version, WKD_VERSION_STRING) == 0;
      }
      wkd_members_free(ms);
      if (!found) sleep_ms(20);
    }
    CHECK(found);
  }

  /* The pulled watch on a reported b and c joining. */
  {
    int saw_b = 0, saw_c = 0;
    double end = now_s() + 10;
    while ((!saw_b || !saw_c) && now_s() < end) {
      wkd_event_t* ev = NULL;
      if (wkd_watch_next_event(&ev, pulled, 200, NULL) == WKD_OK) {
        wkd_member_info m = WKD_MEMBER_INFO_INIT;
        if (wkd_event_get_type(ev) == WKD_EVENT_MEMBER_JOINED && wkd_event_member(&m, ev, NULL) == WKD_OK) {
          saw_b |= strcmp(m.name, "b") == 0;
          saw_c |= strcmp(m.name, "c") == 0;
        }
        wkd_event_free(ev);
      }
    }
    CHECK(saw_b && saw_c);
  }

  /* A user event fired at a reaches c's callback watch once. */
  CHECK_OK(wkd_node_fire_event(a, "deploy", (const uint8_t*)"v2", 2, false, NULL));
  {
    double end = now_s() + 10;
    while (events_seen() < 1 && now_s() < end) sleep_ms(20);
    sleep_ms(300);
    CHECK(events_seen() == 1);
  }
  {
    uint8_t big[600];
    memset(big, 'x', sizeof big);
    CHECK(wkd_node_fire_event(a, "big", big, sizeof big, false, &err) == WKD_E_TOOBIG);
  }

  /* Stats count traffic (published by the loop at least every second). */
  {
    wkd_stats s = WKD_STATS_INIT;
    double end = now_s() + 10;
    int ok = 0;
    while (!ok && now_s() < end) {
      CHECK_OK(wkd_node_stats(&s, a, NULL));
      ok = s.packets_in > 0 && s.packets_out > 0 && s.probes > 0 && s.members_alive == 2;
      if (!ok) sleep_ms(50);
    }
    CHECK(ok);
  }

  /* In a cluster where nothing changes, last_seen still moves: a's view of
     b is brought up to date every 5 s from b's acks, without a new view.
     Read twice, at least 2 s apart on b's side, within 30 s. */
  {
    int64_t first = 0, latest = 0;
    double end = now_s() + 30;
    while (now_s() < end) {
      wkd_members_t* ms = NULL;
      wkd_member_info m = WKD_MEMBER_INFO_INIT;
      if (wkd_node_members(&ms, a, NULL, NULL) == WKD_OK && wkd_members_find(&m, ms, "b", NULL) == WKD_OK)
        latest = m.last_seen_unix_ms;
      wkd_members_free(ms);
      if (first == 0) first = latest;
      if (first > 0 && latest >= first + 2000) break;
      sleep_ms(100);
    }
    CHECK(first > 0);
    CHECK(latest >= first + 2000);
  }

  /* b leaves gracefully: a sees it as left, not failed. */
  CHECK_OK(wkd_node_leave(b, 5000, NULL));
  CHECK(wait_member_state(a, "b", WKD_MEMBER_LEFT, 10));
  wkd_node_close(b);
  wkd_node_close(b); /* idempotent */
  wkd_node_free(b);

  /* c is closed without leaving: a sees it fail. */
  wkd_watch_free(callback);
  wkd_node_close(c);
  wkd_node_free(c);
  CHECK(wait_member_state(a, "c", WKD_MEMBER_FAILED, 20));

  /* After close, calls fail cleanly. */
  wkd_node_close(a);
  {
    wkd_event_t* ev = NULL;
    wkd_status st;
    /* Drain: the queue may still hold events, then it reports cancellation. */
    do {
      st = wkd_watch_next_event(&ev, pulled, 100, NULL);
      wkd_event_free(ev);
      ev = NULL;
    } while (st == WKD_OK);
    CHECK(st == WKD_E_CANCELED);
  }
  {
    const char* seeds[] = {seed};
    CHECK(wkd_node_join(NULL, a, seeds, 1, 100, NULL) == WKD_E_CLOSED);
  }
  wkd_watch_free(pulled);
  wkd_node_free(a);

  if (failures == 0) printf("cluster_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
