/*
 * hello_cluster: run one wkd node, optionally join a cluster, and print the
 * member list whenever it changes, until SIGINT/SIGTERM (then leave).
 *
 *   hello_cluster NAME BIND_ADDR [SEED ...]
 *   hello_cluster n1 127.0.0.2:7946
 *   hello_cluster n2 127.0.0.3:7946 127.0.0.2:7946
 *
 * Build against an installed libwkd:
 *   cc -std=c99 hello_cluster.c -o hello_cluster $(pkg-config --cflags --libs wkd)
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <wkd.h>

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

static void print_members(wkd_node_t* node) {
  wkd_members_t* ms = NULL;
  size_t i;
  if (wkd_node_members(&ms, node, NULL, NULL) != WKD_OK) return;
  printf("members of %s:\n", wkd_node_name(node));
  for (i = 0; i < wkd_members_count(ms); i++) {
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    if (wkd_members_at(&m, ms, i, NULL) != WKD_OK) continue;
    printf("  %-16s %s:%u %-8s incarnation=%u%s%s\n", m.name, m.address, (unsigned)m.port,
           wkd_member_state_name(m.state), (unsigned)m.incarnation, m.wkd_version[0] ? " wkd=" : "", m.wkd_version);
  }
  fflush(stdout);
  wkd_members_free(ms);
}

int main(int argc, char** argv) {
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  wkd_watch_t* watch = NULL;
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  wkd_error err = WKD_ERROR_INIT;
  int rc = 1;

  if (argc < 3) {
    fprintf(stderr, "usage: %s NAME BIND_ADDR [SEED ...]\n", argv[0]);
    return 2;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  if (wkd_config_new(&cfg, WKD_PRESET_LAN, &err) != WKD_OK ||
      wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, argv[1], &err) != WKD_OK ||
      wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, argv[2], &err) != WKD_OK ||
      wkd_node_create(&node, cfg, &err) != WKD_OK || wkd_node_start(node, &err) != WKD_OK) {
    fprintf(stderr, "hello_cluster: %s\n", err.message);
    goto out;
  }
  spec.kind = WKD_WATCH_MEMBERS;
  if (wkd_watch(&watch, node, &spec, NULL, NULL, &err) != WKD_OK) {
    fprintf(stderr, "hello_cluster: watch: %s\n", err.message);
    goto out;
  }
  if (argc > 3) {
    int joined = 0;
    if (wkd_node_join(&joined, node, (const char* const*)(argv + 3), (size_t)(argc - 3), 10000, &err) != WKD_OK) {
      fprintf(stderr, "hello_cluster: join: %s\n", err.message);
      goto out;
    }
    printf("joined through %d seed(s)\n", joined);
  }
  while (!stop) {
    wkd_event_t* ev = NULL;
    if (wkd_watch_next_event(&ev, watch, 200, NULL) == WKD_OK) {
      wkd_member_info m = WKD_MEMBER_INFO_INIT;
      if (wkd_event_member(&m, ev, NULL) == WKD_OK)
        printf("event: %s %s\n", wkd_event_type_name(wkd_event_get_type(ev)), m.name);
      wkd_event_free(ev);
      print_members(node);
    }
  }
  wkd_node_leave(node, 5000, NULL);
  rc = 0;
out:
  wkd_watch_free(watch);
  wkd_node_free(node);
  wkd_config_free(cfg);
  return rc;
}
