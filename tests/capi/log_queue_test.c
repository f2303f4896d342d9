/*
 * The log queue of wkd/sys/log.h fed by nodes: lines arrive with their
 * level and node name, the descriptor follows the queue, a full queue
 * drops and counts (reported on the next entry, or on an entry of its own),
 * close drains then cancels, and argument errors are named. The lines come
 * from wkd_node_set_health() with a reason, which logs one INFO line per
 * change on the calling thread. The nodes are created but not started, so
 * no loop adds lines of its own (serf's member events) and every count
 * here is exact; the bindings' tests cover lines from a running loop.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <wkd.h>

#include "check.h"

static int fd_readable(wkd_log_queue_t* q) {
  struct pollfd p;
  p.events = POLLIN;
  p.revents = 0;
  if (wkd_log_queue_fd(&p.fd, q, NULL) != WKD_OK) return -1;
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

static wkd_node_t* make_node(const char* name, wkd_log_queue_t* q) {
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  wkd_error err = WKD_ERROR_INIT;
  wkd_config_new(&cfg, WKD_PRESET_LOCAL, NULL);
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, NULL);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, "127.0.0.1:0", NULL);
  CHECK(wkd_config_set_log_queue(cfg, WKD_LOG_INFO, q, &err) == WKD_OK);
  if (wkd_node_create(&node, cfg, &err) != WKD_OK) {
    fprintf(stderr, "node %s: %s\n", name, err.message);
    wkd_node_free(node);
    node = NULL;
  }
  wkd_config_free(cfg);
  return node;
}

/* One INFO line "health is now <h>: reason-<i>" per call. */
static void log_line(wkd_node_t* node, int i) {
  char reason[32];
  snprintf(reason, sizeof reason, "reason-%d", i);
  CHECK(wkd_node_set_health(node, i % 2 == 0 ? WKD_HEALTH_WARNING : WKD_HEALTH_CRITICAL, reason, NULL) == WKD_OK);
}

static int ends_with_reason(const char* message, int i) {
  char want[32];
  size_t n, m;
  snprintf(want, sizeof want, ": reason-%d", i);
  if (message == NULL) return 0;
  n = strlen(message);
  m = strlen(want);
  return n >= m && strcmp(message + n - m, want) == 0;
}

static void test_errors(void) {
  wkd_log_queue_t* q = NULL;
  wkd_config_t* cfg = NULL;
  wkd_error err = WKD_ERROR_INIT;
  wkd_log_entry e = WKD_LOG_ENTRY_INIT;
  int fd = 0;
  CHECK(wkd_log_queue_new(&q, WKD_LOG_QUEUE_MAX_CAPACITY + 1u, &err) == WKD_E_INVAL);
  CHECK(q == NULL && strstr(err.message, "capacity") != NULL);
  CHECK(wkd_log_queue_new(NULL, 4, NULL) == WKD_E_INVAL);
  CHECK(wkd_log_queue_new(&q, 0, &err) == WKD_OK);
  wkd_config_new(&cfg, WKD_PRESET_LAN, NULL);
  CHECK(wkd_config_set_log_queue(cfg, WKD_LOG_INFO, NULL, &err) == WKD_E_INVAL);
  CHECK(strstr(err.message, "queue") != NULL);
  CHECK(wkd_config_set_log_queue(cfg, (wkd_log_level)9, q, &err) == WKD_E_INVAL);
  CHECK(strstr(err.message, "level") != NULL);
  CHECK(wkd_config_set_log_queue(NULL, WKD_LOG_INFO, q, NULL) == WKD_E_INVAL);
  CHECK(wkd_log_queue_next(NULL, q, 0, NULL) == WKD_E_INVAL);
  CHECK(wkd_log_queue_next(&e, NULL, 0, NULL) == WKD_E_INVAL);
  CHECK(wkd_log_queue_fd(&fd, NULL, NULL) == WKD_E_INVAL && fd == -1);
  CHECK(wkd_log_queue_next(&e, q, 0, &err) == WKD_E_TIMEOUT);
  CHECK(wkd_log_queue_next(&e, q, 30, &err) == WKD_E_TIMEOUT);
  CHECK(wkd_log_queue_dropped(NULL) == 0);
  wkd_config_free(cfg);
  wkd_log_queue_free(q);
  wkd_log_queue_free(NULL);
}

static void test_lines_and_drops(void) {
  wkd_log_queue_t* q = NULL;
  wkd_node_t* node;
  wkd_log_entry e = WKD_LOG_ENTRY_INIT;
  int i;
  CHECK(wkd_log_queue_new(&q, 4, NULL) == WKD_OK);
  node = make_node("log-a", q);
  CHECK(node != NULL);
  if (node == NULL) {
    wkd_log_queue_free(q);
    return;
  }
  CHECK(fd_readable(q) == 0);
  log_line(node, 0);
  CHECK(fd_readable(q) == 1);
  CHECK(wkd_log_queue_next(&e, q, 1000, NULL) == WKD_OK);
  CHECK(e.level == WKD_LOG_INFO && strcmp(e.node_name, "log-a") == 0 && e.dropped == 0);
  CHECK(ends_with_reason(e.message, 0));
  CHECK(fd_readable(q) == 0);

  /* Six lines into four places: two dropped, reported on the next line. */
  for (i = 1; i <= 6; i++) log_line(node, i);
  CHECK(wkd_log_queue_dropped(q) == 2);
  for (i = 1; i <= 4; i++) {
    CHECK(wkd_log_queue_next(&e, q, 0, NULL) == WKD_OK);
    CHECK(ends_with_reason(e.message, i) && e.dropped == 0);
  }
  log_line(node, 7);
  CHECK(wkd_log_queue_next(&e, q, 0, NULL) == WKD_OK);
  CHECK(ends_with_reason(e.message, 7) && e.dropped == 2);

  /* Drops after the last line queued, and nothing after them: an entry of
   * their own, then the queue is empty. */
  for (i = 8; i <= 20; i++) log_line(node, i);
  CHECK(wkd_log_queue_dropped(q) == 2 + 9);
  for (i = 8; i <= 11; i++) CHECK(wkd_log_queue_next(&e, q, 0, NULL) == WKD_OK && ends_with_reason(e.message, i));
  CHECK(fd_readable(q) == 1);
  CHECK(wkd_log_queue_next(&e, q, 0, NULL) == WKD_OK);
  CHECK(e.message == NULL && e.dropped == 9 && e.level == WKD_LOG_WARN && strcmp(e.node_name, "log-a") == 0);
  CHECK(fd_readable(q) == 0);
  CHECK(wkd_log_queue_next(&e, q, 0, NULL) == WKD_E_TIMEOUT);

  /* Close: what is queued is still taken, then CANCELED at once; later
   * lines are discarded without counting. */
  log_line(node, 21);
  wkd_log_queue_close(q);
  wkd_log_queue_close(q);
  log_line(node, 22);
  CHECK(fd_readable(q) == 1);
  CHECK(wkd_log_queue_next(&e, q, -1, NULL) == WKD_OK && ends_with_reason(e.message, 21));
  CHECK(wkd_log_queue_next(&e, q, -1, NULL) == WKD_E_CANCELED);
  CHECK(wkd_log_queue_dropped(q) == 11);

  /* The node outlives the caller's handle and keeps logging safely. */
  wkd_log_queue_free(q);
  log_line(node, 23);
  wkd_node_free(node);
}

/* A queue shared by two nodes: each entry names its node. */
static void test_shared_queue(void) {
  wkd_log_queue_t* q = NULL;
  wkd_node_t *a, *b;
  wkd_log_entry e = WKD_LOG_ENTRY_INIT;
  CHECK(wkd_log_queue_new(&q, 16, NULL) == WKD_OK);
  a = make_node("log-b1", q);
  b = make_node("log-b2", q);
  CHECK(a != NULL && b != NULL);
  if (a != NULL && b != NULL) {
    log_line(a, 1);
    log_line(b, 2);
    CHECK(wkd_log_queue_next(&e, q, 0, NULL) == WKD_OK && strcmp(e.node_name, "log-b1") == 0);
    CHECK(wkd_log_queue_next(&e, q, 0, NULL) == WKD_OK && strcmp(e.node_name, "log-b2") == 0);
  }
  wkd_node_free(a);
  wkd_node_free(b);
  wkd_log_queue_free(q);
}

int main(void) {
  test_errors();
  test_lines_and_drops();
  test_shared_queue();
  if (failures != 0) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  printf("log_queue_test: ok\n");
  return 0;
}
