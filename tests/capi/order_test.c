/*
 * One ordered event path over one versioned view, through the C API:
 *
 *  - a user event never overtakes the membership change that happened
 *    before it: a node that has just published a view (so its next member
 *    change falls inside the publisher's coalescing window) learns of a
 *    joining peer, and that peer's first user event, sent the moment its
 *    join returns, reaches the watch after the peer's MEMBER_JOINED;
 *  - every event carries the version of the view it belongs to: versions
 *    never decrease along one watch, a snapshot taken afterwards holds them;
 *  - versions only grow across a restart: a node started after another one
 *    of the same name closed publishes views with a higher version.
 *
 * Every wait has a deadline.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wkd.h>

#include "check.h"

static wkd_node_t* make_node(const char* name, const char* bind) {
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  wkd_error err = WKD_ERROR_INIT;
  wkd_config_new(&cfg, WKD_PRESET_LOCAL, NULL);
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, NULL);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind, NULL);
  wkd_config_set_log(cfg, WKD_LOG_ERROR, NULL, NULL, NULL);
  if (wkd_node_create(&node, cfg, &err) != WKD_OK || wkd_node_start(node, &err) != WKD_OK) {
    fprintf(stderr, "node %s on %s: %s\n", name, bind, err.message);
    wkd_node_free(node);
    node = NULL;
  }
  wkd_config_free(cfg);
  return node;
}

static uint64_t snapshot_version(wkd_node_t* node) {
  wkd_members_t* ms = NULL;
  uint64_t v = 0;
  if (wkd_node_members(&ms, node, NULL, NULL) == WKD_OK) v = wkd_members_version(ms);
  wkd_members_free(ms);
  return v;
}

/* Takes every event queued on `members` now (no waiting) and reports
   whether a MEMBER_JOINED of `name` with a version of at most `limit` was
   among them. */
static int joined_queued(wkd_watch_t* members, const char* name, uint64_t limit, uint64_t* last_version) {
  int found = 0;
  wkd_event_t* ev = NULL;
  while (wkd_watch_next_event(&ev, members, 0, NULL) == WKD_OK && ev != NULL) {
    const uint64_t v = wkd_event_version(ev);
    CHECK(v >= *last_version); /* never decreases along one watch */
    *last_version = v;
    if (wkd_event_get_type(ev) == WKD_EVENT_MEMBER_JOINED) {
      wkd_member_info m = WKD_MEMBER_INFO_INIT;
      if (wkd_event_member(&m, ev, NULL) == WKD_OK && strcmp(m.name, name) == 0 && v <= limit) found = 1;
    }
    wkd_event_free(ev);
    ev = NULL;
  }
  return found;
}

/* Round `round`: a fresh peer joins `a` and fires an event at once. Returns
   1 when, as the user event was taken from `user`, the peer's MEMBER_JOINED
   was already queued on `members` with a version not above the event's. */
static int one_round(wkd_node_t* a, wkd_watch_t* members, wkd_watch_t* user, int round, uint64_t* last_version) {
  char name[32], ev_name[32], bind[32], seed[64];
  const char* seeds[1];
  wkd_node_t* b = NULL;
  int in_order = 0, tries = 0, saw_user = 0;
  snprintf(name, sizeof name, "order-b%d", round);
  snprintf(ev_name, sizeof ev_name, "hello-%d", round);
  snprintf(bind, sizeof bind, "127.0.0.%d:0", 60 + round);
  b = make_node(name, bind);
  if (b == NULL) return 0;
  /* A new identity on `a` publishes a view at once: the join that follows
     lands inside the publisher's coalescing window. */
  {
    wkd_registration reg = WKD_REGISTRATION_INIT;
    char db[32];
    snprintf(db, sizeof db, "round-%d", round);
    reg.database_type = db;
    CHECK(wkd_register(a, &reg, NULL) == WKD_OK);
  }
  wkd_node_local_addr(seed, sizeof seed, NULL, a, NULL);
  seeds[0] = seed;
  CHECK(wkd_node_join(NULL, b, seeds, 1, 5000, NULL) == WKD_OK);
  CHECK(wkd_node_fire_event(b, ev_name, (const uint8_t*)"x", 1, false, NULL) == WKD_OK);
  /* 10 s at most: 50 waits of up to 200 ms. */
  while (!saw_user && tries++ < 50) {
    wkd_event_t* ev = NULL;
    const char* got = NULL;
    if (wkd_watch_next_event(&ev, user, 200, NULL) != WKD_OK || ev == NULL) continue;
    if (wkd_event_user(&got, NULL, NULL, NULL, ev, NULL) == WKD_OK && strcmp(got, ev_name) == 0) {
      const uint64_t v = wkd_event_version(ev);
      saw_user = 1;
      in_order = joined_queued(members, name, v, last_version);
      CHECK(v > 0 && snapshot_version(a) >= v);
    }
    wkd_event_free(ev);
  }
  CHECK(saw_user);
  wkd_node_free(b);
  return in_order;
}

static void test_user_event_after_join(void) {
  wkd_node_t* a = make_node("order-a", "127.0.0.59:0");
  wkd_watch_t* members = NULL;
  wkd_watch_t* user = NULL;
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  int round, in_order = 0;
  const int rounds = 5;
  uint64_t last_version = 0;
  if (a == NULL) {
    failures++;
    return;
  }
  spec.kind = WKD_WATCH_MEMBERS;
  CHECK(wkd_watch(&members, a, &spec, NULL, NULL, NULL) == WKD_OK);
  spec.kind = WKD_WATCH_USER_EVENTS;
  CHECK(wkd_watch(&user, a, &spec, NULL, NULL, NULL) == WKD_OK);
  for (round = 0; round < rounds; round++) in_order += one_round(a, members, user, round, &last_version);
  CHECK(in_order == rounds);
  wkd_watch_free(user);
  wkd_watch_free(members);
  wkd_node_free(a);
}

static void test_versions_grow_across_restart(void) {
  wkd_node_t* first = make_node("order-restart", "127.0.0.58:0");
  wkd_node_t* second = NULL;
  uint64_t before = 0, after = 0;
  if (first == NULL) {
    failures++;
    return;
  }
  before = snapshot_version(first);
  CHECK(before > 0);
  {
    /* A view published later carries a higher version. */
    wkd_registration reg = WKD_REGISTRATION_INIT;
    int tries = 0;
    reg.database_type = "later";
    CHECK(wkd_register(first, &reg, NULL) == WKD_OK);
    while (snapshot_version(first) <= before && tries++ < 250) sleep_ms(20);
    CHECK(snapshot_version(first) > before);
    before = snapshot_version(first);
  }
  wkd_node_free(first);
  sleep_ms(5);
  second = make_node("order-restart", "127.0.0.58:0");
  if (second == NULL) {
    failures++;
    return;
  }
  after = snapshot_version(second);
  CHECK(after > before);
  wkd_node_free(second);
}

int main(void) {
  test_versions_grow_across_restart();
  test_user_event_after_join();
  if (failures == 0) printf("order_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
