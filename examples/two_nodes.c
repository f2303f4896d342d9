/*
 * two_nodes: two wkd nodes in one process find each other, one advertises
 * an identity, the other finds it by group, then both leave. Exits 0 on
 * success, 1 on any error or after 20 s without convergence.
 *
 *   cc -std=c99 two_nodes.c -o two_nodes $(pkg-config --cflags --libs wkd)
 *   ./two_nodes 127.0.0.2 127.0.0.3
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wkd.h>

static wkd_node_t* start_node(const char* name, const char* ip, wkd_error* err) {
  char bind[64];
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  snprintf(bind, sizeof bind, "%s:0", ip);
  if (wkd_config_new(&cfg, WKD_PRESET_LOCAL, err) == WKD_OK &&
      wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, err) == WKD_OK &&
      wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind, err) == WKD_OK &&
      wkd_node_create(&node, cfg, err) == WKD_OK && wkd_node_start(node, err) != WKD_OK) {
    wkd_node_free(node);
    node = NULL;
  }
  wkd_config_free(cfg);
  return node;
}

int main(int argc, char** argv) {
  wkd_error err = WKD_ERROR_INIT;
  wkd_node_t* db;
  wkd_node_t* app;
  char seed[64];
  const char* seeds[1];
  const char* groups[] = {"orders"};
  wkd_registration reg = WKD_REGISTRATION_INIT;
  int found = 0, i;

  if (argc != 3) {
    fprintf(stderr, "usage: %s IP_A IP_B (loopback addresses)\n", argv[0]);
    return 2;
  }
  db = start_node("db-1", argv[1], &err);
  app = start_node("app-1", argv[2], &err);
  if (db == NULL || app == NULL) {
    fprintf(stderr, "two_nodes: %s\n", err.message);
    return 1;
  }
  reg.database_type = "postgres";
  reg.wire_protocol = "pgwire";
  reg.endpoint = "127.0.0.1:5432";
  reg.groups = groups;
  reg.n_groups = 1;
  wkd_node_local_addr(seed, sizeof seed, NULL, db, NULL);
  seeds[0] = seed;
  if (wkd_register(db, &reg, &err) != WKD_OK || wkd_node_join(NULL, app, seeds, 1, 5000, &err) != WKD_OK) {
    fprintf(stderr, "two_nodes: %s\n", err.message);
    return 1;
  }
  /* Lookups are local snapshots: poll until app-1 sees the database. */
  for (i = 0; i < 200 && !found; i++) {
    wkd_members_t* ms = NULL;
    wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
    struct timespec pause = {0, 100 * 1000000L};
    f.group = "orders";
    f.states = WKD_STATE_MASK(WKD_MEMBER_ALIVE);
    if (wkd_node_members(&ms, app, &f, NULL) == WKD_OK && wkd_members_count(ms) == 1) {
      wkd_member_info m = WKD_MEMBER_INFO_INIT;
      wkd_members_at(&m, ms, 0, NULL);
      printf("app-1 found %s (%s over %s) at %s\n", m.name, m.database_type, m.wire_protocol, m.endpoint);
      found = 1;
    }
    wkd_members_free(ms);
    if (!found) nanosleep(&pause, NULL);
  }
  wkd_node_leave(app, 5000, NULL);
  wkd_node_leave(db, 5000, NULL);
  wkd_node_free(app);
  wkd_node_free(db);
  return found ? 0 : 1;
}
