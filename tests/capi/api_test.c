/*
 * The rest of the C API on real loopback nodes: IPv6, a seed given as a
 * host name, the keyring calls, a group watch read through its pollable
 * descriptor, the node's own health reaching a peer, the option table, and
 * configuration errors. Every wait has a deadline.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wkd.h>

#include "check.h"

static wkd_node_t* make_node(const char* name, const char* bind, const char* key) {
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  wkd_error err = WKD_ERROR_INIT;
  wkd_config_new(&cfg, WKD_PRESET_LOCAL, NULL);
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, NULL);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind, NULL);
  wkd_config_set_int(cfg, WKD_OPT_GOSSIP_INTERVAL_MS, 50, NULL);
  if (key != NULL) wkd_config_set_str(cfg, WKD_OPT_ENCRYPT_KEY, key, NULL);
  wkd_config_set_log(cfg, WKD_LOG_ERROR, NULL, NULL, NULL);
  if (wkd_node_create(&node, cfg, &err) != WKD_OK || wkd_node_start(node, &err) != WKD_OK) {
    fprintf(stderr, "node %s on %s: %s\n", name, bind, err.message);
    wkd_node_free(node);
    node = NULL;
  }
  wkd_config_free(cfg);
  return node;
}

static int sees_alive(wkd_node_t* node, const char* name, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_members_t* ms = NULL;
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    int ok = wkd_node_members(&ms, node, NULL, NULL) == WKD_OK && wkd_members_find(&m, ms, name, NULL) == WKD_OK &&
             m.state == WKD_MEMBER_ALIVE;
    wkd_members_free(ms);
    if (ok) return 1;
    sleep_ms(20);
  }
  return 0;
}

static void test_ipv6(void) {
  wkd_node_t* a = make_node("v6-a", "[::1]:0", NULL);
  wkd_node_t* b = make_node("v6-b", "[::1]:0", NULL);
  char seed[64];
  const char* seeds[1];
  CHECK(a != NULL && b != NULL);
  if (a == NULL || b == NULL) return;
  CHECK(wkd_node_local_addr(seed, sizeof seed, NULL, a, NULL) == WKD_OK);
  CHECK(strncmp(seed, "[::1]:", 6) == 0);
  seeds[0] = seed;
  CHECK(wkd_node_join(NULL, b, seeds, 1, 5000, NULL) == WKD_OK);
  CHECK(sees_alive(a, "v6-b", 10));
  {
    wkd_members_t* ms = NULL;
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    wkd_node_members(&ms, a, NULL, NULL);
    CHECK(wkd_members_find(&m, ms, "v6-b", NULL) == WKD_OK && strcmp(m.address, "::1") == 0);
    wkd_members_free(ms);
  }
  wkd_node_free(b);
  wkd_node_free(a);
}

static void test_hostname_seed(void) {
  wkd_node_t* a = make_node("name-a", "127.0.0.1:0", NULL);
  wkd_node_t* b = make_node("name-b", "127.0.0.1:0", NULL);
  char seed[64];
  const char* seeds[2];
  uint16_t port = 0;
  wkd_error err = WKD_ERROR_INIT;
  int joined = 0;
  if (a == NULL || b == NULL) {
    failures++;
    return;
  }
  wkd_node_local_addr(seed, sizeof seed, &port, a, NULL);
  snprintf(seed, sizeof seed, "localhost:%u", (unsigned)port);
  seeds[0] = seed;
  seeds[1] = "no-such-host.invalid:7946"; /* resolution fails, the other seed still works */
  CHECK(wkd_node_join(&joined, b, seeds, 2, 10000, &err) == WKD_OK);
  CHECK(joined == 1);
  CHECK(sees_alive(a, "name-b", 10));
  seeds[0] = "no-such-host.invalid:7946";
  CHECK(wkd_node_join(NULL, b, seeds, 1, 10000, &err) == WKD_E_IO);
  CHECK(strstr(err.message, "no-such-host.invalid") != NULL);
  wkd_node_free(b);
  wkd_node_free(a);
}

static void test_keyring(void) {
  const char* k1 = "AAECAwQFBgcICQoLDA0ODw=="; /* 00 01 .. 0f */
  const char* k2 = "EBESExQVFhcYGRobHB0eHw=="; /* 10 11 .. 1f */
  wkd_node_t* a = make_node("key-a", "127.0.0.1:0", k1);
  wkd_node_t* plain = make_node("key-plain", "127.0.0.1:0", NULL);
  wkd_key_list* list = NULL;
  wkd_error err = WKD_ERROR_INIT;
  if (a == NULL || plain == NULL) {
    failures++;
    return;
  }
  CHECK(wkd_keyring_list(&list, a, NULL) == WKD_OK && list->count == 1 && strcmp(list->primary, k1) == 0);
  wkd_key_list_free(list);
  CHECK(wkd_keyring_install(a, k2, NULL) == WKD_OK);
  CHECK(wkd_keyring_install(a, k2, NULL) == WKD_OK); /* idempotent */
  CHECK(wkd_keyring_remove(a, k1, &err) == WKD_E_STATE); /* the primary */
  CHECK(wkd_keyring_use(a, k2, NULL) == WKD_OK);
  CHECK(wkd_keyring_list(&list, a, NULL) == WKD_OK && list->count == 2 && strcmp(list->primary, k2) == 0 &&
        strcmp(list->keys[0], k2) == 0);
  wkd_key_list_free(list);
  CHECK(wkd_keyring_remove(a, k1, NULL) == WKD_OK);
  CHECK(wkd_keyring_remove(a, k1, NULL) == WKD_E_NOTFOUND);
  CHECK(wkd_keyring_use(a, k1, NULL) == WKD_E_NOTFOUND);
  CHECK(wkd_keyring_install(a, "not base64!", &err) == WKD_E_INVAL);
  CHECK(wkd_keyring_install(a, "AAEC", &err) == WKD_E_INVAL); /* 3 bytes */
  CHECK(wkd_keyring_install(plain, k1, &err) == WKD_E_STATE);
  CHECK(wkd_keyring_list(&list, plain, NULL) == WKD_E_STATE && list == NULL);
  wkd_node_free(plain);
  wkd_node_free(a);
}

static void test_group_watch_fd_and_health(void) {
  wkd_node_t* a = make_node("grp-a", "127.0.0.1:0", NULL);
  wkd_node_t* b = make_node("grp-b", "127.0.0.1:0", NULL);
  wkd_watch_t* w = NULL;
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  char seed[64];
  const char* seeds[1];
  int fd = -1, saw_join = 0, saw_health = 0;
  double end;
  if (a == NULL || b == NULL) {
    failures++;
    return;
  }
  spec.kind = WKD_WATCH_GROUP;
  spec.name = "orders";
  CHECK(wkd_watch(&w, a, &spec, NULL, NULL, NULL) == WKD_OK);
  CHECK(wkd_watch_fd(&fd, w, NULL) == WKD_OK && fd >= 0);
  {
    const char* groups[] = {"orders"};
    wkd_registration reg = WKD_REGISTRATION_INIT;
    reg.groups = groups;
    reg.n_groups = 1;
    CHECK(wkd_register(b, &reg, NULL) == WKD_OK);
  }
  wkd_node_local_addr(seed, sizeof seed, NULL, a, NULL);
  seeds[0] = seed;
  CHECK(wkd_node_join(NULL, b, seeds, 1, 5000, NULL) == WKD_OK);
  end = now_s() + 10;
  while ((!saw_join || !saw_health) && now_s() < end) {
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    if (poll(&p, 1, 200) == 1) {
      wkd_event_t* ev = NULL;
      /* Readable means an event is waiting: taking it must not block. */
      CHECK(wkd_watch_next_event(&ev, w, 0, NULL) == WKD_OK);
      if (ev != NULL) {
        wkd_member_info m = WKD_MEMBER_INFO_INIT;
        CHECK(wkd_event_member(&m, ev, NULL) == WKD_OK);
        CHECK(strcmp(m.name, "grp-b") == 0); /* grp-a is not in the group */
        if (wkd_event_get_type(ev) == WKD_EVENT_MEMBER_JOINED) {
          saw_join = 1;
          CHECK(wkd_node_set_health(b, WKD_HEALTH_WARNING, "disk 91% full", NULL) == WKD_OK);
        }
        if (wkd_event_get_type(ev) == WKD_EVENT_MEMBER_UPDATED && m.health == WKD_HEALTH_WARNING) saw_health = 1;
        wkd_event_free(ev);
      }
    }
  }
  CHECK(saw_join && saw_health);
  CHECK(wkd_node_set_health(b, (wkd_health)42, NULL, NULL) == WKD_E_INVAL);
  wkd_watch_free(w);
  wkd_node_free(b);
  wkd_node_free(a);
}

static void test_options_and_errors(void) {
  wkd_config_t* cfg = NULL;
  wkd_option opt;
  wkd_option_info info = WKD_OPTION_INFO_INIT;
  wkd_error err = WKD_ERROR_INIT;
  int64_t v = 0;
  wkd_node_t* node = NULL;
  CHECK(wkd_option_lookup(&opt, "gossip_nodes", NULL) == WKD_OK && opt == WKD_OPT_GOSSIP_NODES);
  CHECK(wkd_option_lookup(&opt, "gossip_nodez", &err) == WKD_E_NOTFOUND);
  CHECK(wkd_option_describe(&info, WKD_OPT_PROBE_INTERVAL_MS, NULL) == WKD_OK &&
        strcmp(info.name, "probe_interval_ms") == 0 && info.type == WKD_OPTION_INT && info.min > 0);
  CHECK(wkd_config_new(&cfg, WKD_PRESET_WAN, NULL) == WKD_OK);
  CHECK(wkd_config_get_int(&v, cfg, WKD_OPT_PROBE_INTERVAL_MS, NULL) == WKD_OK && v == 5000);
  {
    /* verify_before_dead: on by default in every preset; off gives
       memberlist's exact detection timing. */
    bool on = false;
    CHECK(wkd_option_lookup(&opt, "verify_before_dead", NULL) == WKD_OK && opt == WKD_OPT_VERIFY_BEFORE_DEAD);
    CHECK(wkd_option_describe(&info, WKD_OPT_VERIFY_BEFORE_DEAD, NULL) == WKD_OK && info.type == WKD_OPTION_BOOL);
    CHECK(wkd_config_get_bool(&on, cfg, WKD_OPT_VERIFY_BEFORE_DEAD, NULL) == WKD_OK && on);
    CHECK(wkd_config_set_bool(cfg, WKD_OPT_VERIFY_BEFORE_DEAD, false, NULL) == WKD_OK);
    CHECK(wkd_config_get_bool(&on, cfg, WKD_OPT_VERIFY_BEFORE_DEAD, NULL) == WKD_OK && !on);
    CHECK(wkd_config_set_int(cfg, WKD_OPT_VERIFY_BEFORE_DEAD, 1, &err) == WKD_E_INVAL); /* wrong type */
  }
  {
    /* join_sync_delay_ms: the preset's (WAN 5 s), settable, 0 turns it off. */
    int64_t ms = 0;
    CHECK(wkd_option_lookup(&opt, "join_sync_delay_ms", NULL) == WKD_OK && opt == WKD_OPT_JOIN_SYNC_DELAY_MS);
    CHECK(wkd_config_get_int(&ms, cfg, WKD_OPT_JOIN_SYNC_DELAY_MS, NULL) == WKD_OK && ms == 5000);
    CHECK(wkd_config_set_int(cfg, WKD_OPT_JOIN_SYNC_DELAY_MS, 0, NULL) == WKD_OK);
    CHECK(wkd_config_set_int(cfg, WKD_OPT_JOIN_SYNC_DELAY_MS, -1, &err) == WKD_E_INVAL);
    CHECK(strstr(err.message, "join_sync_delay_ms") != NULL);
  }
  CHECK(wkd_config_set_int(cfg, WKD_OPT_PROBE_INTERVAL_MS, -5, &err) == WKD_E_INVAL);
  CHECK(strstr(err.message, "probe_interval_ms") != NULL);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, "localhost:99999", &err) == WKD_E_INVAL);
  CHECK(strstr(err.message, "bind_addr") != NULL);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_ENCRYPT_KEY, "AAEC", &err) == WKD_E_INVAL);
  CHECK(wkd_config_set_int(cfg, WKD_OPT_NODE_NAME, 1, &err) == WKD_E_INVAL); /* wrong type */
  CHECK(wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, "dup", NULL) == WKD_OK);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, "127.0.0.1:0", NULL) == WKD_OK);
  CHECK(wkd_node_create(&node, cfg, NULL) == WKD_OK);
  CHECK(wkd_node_start(node, NULL) == WKD_OK);
  CHECK(wkd_node_start(node, &err) == WKD_E_STATE);
  {
    /* The same port twice: the second bind fails and says so. */
    char addr[64];
    wkd_node_t* second = NULL;
    wkd_node_local_addr(addr, sizeof addr, NULL, node, NULL);
    wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, addr, NULL);
    CHECK(wkd_node_create(&second, cfg, NULL) == WKD_OK);
    CHECK(wkd_node_start(second, &err) == WKD_E_ADDRINUSE);
    wkd_node_free(second);
  }
  {
    /* Metadata over 512 bytes is refused and the old identity stays. */
    char big[600];
    wkd_kv tags[1];
    wkd_registration reg = WKD_REGISTRATION_INIT;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    tags[0].key = "blob";
    tags[0].value = big;
    reg.tags = tags;
    reg.n_tags = 1;
    CHECK(wkd_register(node, &reg, &err) == WKD_E_TOOBIG);
    CHECK(strstr(err.message, "512") != NULL);
  }
  CHECK(wkd_node_create(NULL, cfg, NULL) == WKD_E_INVAL);
  CHECK(wkd_node_start(NULL, NULL) == WKD_E_INVAL);
  wkd_node_free(node);
  wkd_config_free(cfg);
}

/* A watch made just before its node closes: the close must end it even
   when the watch was still being registered on the loop (the consumer then
   gets CANCELED, never a timeout forever). */
static void test_watch_then_close_at_once(void) {
  int i;
  for (i = 0; i < 20; i++) {
    wkd_config_t* cfg = NULL;
    wkd_node_t* node = NULL;
    wkd_watch_t* w = NULL;
    wkd_event_t* ev = NULL;
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    wkd_status st = WKD_OK;
    int taken = 0;
    spec.flags = WKD_WATCH_INITIAL;
    CHECK(wkd_config_new(&cfg, WKD_PRESET_LOCAL, NULL) == WKD_OK);
    wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, "quick", NULL);
    wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, "127.0.0.1:0", NULL);
    CHECK(wkd_node_create(&node, cfg, NULL) == WKD_OK && wkd_node_start(node, NULL) == WKD_OK);
    wkd_config_free(cfg);
    CHECK(wkd_watch(&w, node, &spec, NULL, NULL, NULL) == WKD_OK);
    wkd_node_close(node);
    /* Drain what was queued; then CANCELED, well before the 2 s timeout. */
    while (taken < 10 && (st = wkd_watch_next_event(&ev, w, 2000, NULL)) == WKD_OK) {
      wkd_event_free(ev);
      taken++;
    }
    CHECK(st == WKD_E_CANCELED);
    wkd_watch_free(w);
    wkd_node_free(node);
  }
}

int main(void) {
  test_options_and_errors();
  test_ipv6();
  test_hostname_seed();
  test_keyring();
  test_group_watch_fd_and_health();
  test_watch_then_close_at_once();
  if (failures == 0) printf("api_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
