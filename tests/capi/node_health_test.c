/*
 * The node's own health and the self-healing hook through the C API only,
 * on real nodes on loopback (127.0.8.1-3): a node TCP check against a
 * listener the test closes turns the node's "health" tag critical as
 * another node sees it (wkd_node_members), and the application's health
 * (wkd_node_set_health) counts with it, the worst of the two winning;
 * with WKD_OPT_NODE_HEALTH_FEED_INSTANCES an instance's critical state
 * reaches the tag once held for WKD_OPT_NODE_HEALTH_HOLD_MS, and its
 * recovery likewise; a flapping instance's self-healing action runs once
 * per rate-limit window, with the instance and the check's output, and
 * may call the node inline. Every wait has a deadline.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"
#include "registry_calls.h"
#include "tcp_listener.h"

/* Waits until `node` sees member `name` advertise `health`; 1 on success. */
static int wait_member_health(wkd_node_t* node, const char* name, wkd_health health, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_members_t* ms = NULL;
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    int ok = 0;
    if (wkd_node_members(&ms, node, NULL, NULL) == WKD_OK && wkd_members_find(&m, ms, name, NULL) == WKD_OK)
      ok = m.health == health;
    wkd_members_free(ms);
    if (ok) return 1;
    sleep_ms(20);
  }
  return 0;
}

/* What the self-healing actions saw. */
typedef struct heal_log {
  int calls;
  int inline_ok; /* the action's own call into the node succeeded */
  char service[64], instance[64], check[64], output[128];
} heal_log;

static void on_critical(wkd_node_t* node, const char* service, const char* instance, const char* check,
                        const char* output, void* user_data) {
  heal_log* h = (heal_log*)user_data;
  wkd_check_info info = WKD_CHECK_INFO_INIT;
  h->calls++;
  snprintf(h->service, sizeof(h->service), "%s", service);
  snprintf(h->instance, sizeof(h->instance), "%s", instance);
  snprintf(h->check, sizeof(h->check), "%s", check);
  snprintf(h->output, sizeof(h->output), "%s", output);
  /* On the loop thread: the node's calls run inline. */
  if (wkd_service_check_info(&info, NULL, 0, node, service, instance, check, NULL) == WKD_OK && info.reported &&
      info.state == WKD_CHECK_CRITICAL)
    h->inline_ok++;
}

static int wait_calls(const heal_log* h, int want, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    if (h->calls >= want) return 1;
    sleep_ms(20);
  }
  return h->calls >= want;
}

static wkd_service ttl_service(const char* name, const char* id, const wkd_check* ttl) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = name;
  s.instance_id = id;
  s.host = "127.0.8.3";
  s.port = 7000;
  s.checks = ttl;
  s.n_checks = 1;
  return s;
}

static void node_checks(wkd_node_t* a, wkd_node_t* b) {
  unsigned short port = 0;
  char target[64];
  int fd = listen_tcp("127.0.8.3", &port);
  wkd_check c = WKD_CHECK_INIT;
  CHECK(fd >= 0);
  if (fd < 0) return;
  snprintf(target, sizeof(target), "127.0.8.3:%u", (unsigned)port);
  c.id = "listener";
  c.kind = WKD_CHECK_KIND_TCP;
  c.target = target;
  c.interval_ms = 200;
  c.timeout_ms = 150;

  /* Refusals name the field as wkd_check spells it. */
  CHECK_ERR(wkd_node_check_add(a, NULL, &e_), WKD_E_INVAL, "check is NULL");
  c.interval_ms = 5;
  CHECK_ERR(wkd_node_check_add(a, &c, &e_), WKD_E_INVAL, "interval_ms: 5 ms is out of range");
  c.interval_ms = 200;
  c.deregister_critical_after_ms = 1000;
  CHECK_ERR(wkd_node_check_add(a, &c, &e_), WKD_E_INVAL, "deregister_critical_after_ms");
  c.deregister_critical_after_ms = 0;
  CHECK_ERR(wkd_node_check_remove(a, "listener", &e_), WKD_E_NOTFOUND, NULL);

  CHECK_OK(wkd_node_check_add(a, &c, &e_));
  CHECK_ERR(wkd_node_check_add(a, &c, &e_), WKD_E_STATE, "node check listener exists already");
  {
    double end = now_s() + 10;
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    while (now_s() < end) {
      if (wkd_node_check_info(&info, NULL, 0, a, "listener", NULL) == WKD_OK && info.reported) break;
      sleep_ms(20);
    }
    CHECK(info.reported && info.state == WKD_CHECK_PASSING && info.kind == WKD_CHECK_KIND_TCP);
  }
  CHECK(wait_member_health(b, "a", WKD_HEALTH_PASSING, 10));

  /* The listener goes: the node's tag turns critical everywhere. */
  close(fd);
  CHECK(wait_member_health(b, "a", WKD_HEALTH_CRITICAL, 10));
  {
    char out[256];
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    CHECK_OK(wkd_node_check_info(&info, out, sizeof(out), a, "listener", &e_));
    CHECK(info.state == WKD_CHECK_CRITICAL && info.output_len > 0);
  }

  /* Precedence: the worst of the application's health and the checks'. */
  CHECK_OK(wkd_node_set_health(a, WKD_HEALTH_WARNING, "degraded", &e_));
  sleep_ms(300);
  CHECK(wait_member_health(b, "a", WKD_HEALTH_CRITICAL, 10));
  CHECK_OK(wkd_node_check_remove(a, "listener", &e_));
  CHECK(wait_member_health(b, "a", WKD_HEALTH_WARNING, 10));
  CHECK_OK(wkd_node_set_health(a, WKD_HEALTH_PASSING, NULL, &e_));
  CHECK(wait_member_health(b, "a", WKD_HEALTH_PASSING, 10));

  /* A node TTL check, reported by the application. */
  wkd_check_init(&c, sizeof(c));
  c.kind = WKD_CHECK_KIND_TTL;
  c.ttl_ms = 60000;
  CHECK_OK(wkd_node_check_add(a, &c, &e_));
  CHECK_ERR(wkd_node_check_report(a, "nope", WKD_CHECK_WARNING, NULL, &e_), WKD_E_NOTFOUND,
            "node check nope does not exist");
  CHECK_ERR(wkd_node_check_report(a, "ttl", (wkd_check_state)9, NULL, &e_), WKD_E_INVAL, "state: 9");
  CHECK_OK(wkd_node_check_report(a, "ttl", WKD_CHECK_WARNING, "disk 91% full", &e_));
  CHECK(wait_member_health(b, "a", WKD_HEALTH_WARNING, 10));
  CHECK_OK(wkd_node_check_remove(a, "ttl", &e_));
  CHECK(wait_member_health(b, "a", WKD_HEALTH_PASSING, 10));
}

static void fed_instances_and_healing(wkd_node_t* a, wkd_node_t* b) {
  heal_log flap, all;
  wkd_check ttl = WKD_CHECK_INIT;
  wkd_service s;
  int i;
  memset(&flap, 0, sizeof(flap));
  memset(&all, 0, sizeof(all));
  ttl.kind = WKD_CHECK_KIND_TTL;
  ttl.ttl_ms = 60000;

  CHECK_ERR(wkd_service_on_critical(NULL, "flap", on_critical, &flap, &e_), WKD_E_INVAL, NULL);
  CHECK_OK(wkd_service_on_critical(a, "flap", on_critical, &flap, &e_));
  CHECK_OK(wkd_service_on_critical(a, NULL, on_critical, &all, &e_));

  s = ttl_service("flap", "f-1", &ttl);
  CHECK_OK(wkd_service_register(a, &s, &e_));
  CHECK_OK(wkd_service_check_report(a, "flap", "f-1", "ttl", WKD_CHECK_PASSING, NULL, &e_));
  CHECK(wait_instance(b, "flap", "f-1", WKD_INSTANCE_HEALTHY, -1, 10));

  /* Fed, with a 300 ms hold: a sustained critical state reaches the tag,
   * and so does the recovery. */
  CHECK_OK(wkd_service_check_report(a, "flap", "f-1", "ttl", WKD_CHECK_CRITICAL, "refused", &e_));
  CHECK(wait_member_health(b, "a", WKD_HEALTH_CRITICAL, 10));
  CHECK(wait_calls(&flap, 1, 10));
  CHECK(strcmp(flap.service, "flap") == 0 && strcmp(flap.instance, "f-1") == 0);
  CHECK(strcmp(flap.check, "ttl") == 0 && strcmp(flap.output, "refused") == 0);
  CHECK(flap.inline_ok == 1);
  CHECK_OK(wkd_service_check_report(a, "flap", "f-1", "ttl", WKD_CHECK_PASSING, NULL, &e_));
  CHECK(wait_member_health(b, "a", WKD_HEALTH_PASSING, 10));

  /* Flapping within the rate-limit window (60 s): no further action. */
  for (i = 0; i < 10; ++i) {
    CHECK_OK(wkd_service_check_report(a, "flap", "f-1", "ttl", WKD_CHECK_CRITICAL, "again", &e_));
    CHECK_OK(wkd_service_check_report(a, "flap", "f-1", "ttl", WKD_CHECK_PASSING, NULL, &e_));
  }
  /* Another service's instance runs the all-services action; its turn
   * to critical comes after the flaps, so once it ran they were seen. */
  s = ttl_service("other", "o-1", &ttl);
  CHECK_OK(wkd_service_register(a, &s, &e_));
  CHECK_OK(wkd_service_check_report(a, "other", "o-1", "ttl", WKD_CHECK_CRITICAL, "down", &e_));
  CHECK(wait_calls(&all, 1, 10));
  CHECK(strcmp(all.service, "other") == 0 && strcmp(all.output, "down") == 0);
  CHECK(flap.calls == 1);
  CHECK(all.calls == 1);

  /* A NULL action removes it. */
  CHECK_OK(wkd_service_on_critical(a, "flap", NULL, NULL, &e_));
  CHECK_OK(wkd_service_on_critical(a, NULL, NULL, NULL, &e_));
  CHECK_OK(wkd_service_deregister(a, "flap", "f-1", &e_));
  CHECK_OK(wkd_service_deregister(a, "other", "o-1", &e_));
  CHECK(wait_member_health(b, "a", WKD_HEALTH_PASSING, 10));
}

int main(void) {
  wkd_config_t* cfg = fast_node_config("a", "127.0.8.1:0", 0);
  wkd_node_t* a = NULL;
  wkd_node_t* b = NULL;
  char addr[64];
  int joined = 0;
  CHECK(cfg != NULL);
  if (cfg == NULL) return 1;
  CHECK_OK(wkd_config_set_bool(cfg, WKD_OPT_NODE_HEALTH_FEED_INSTANCES, true, &e_));
  CHECK_OK(wkd_config_set_int(cfg, WKD_OPT_NODE_HEALTH_HOLD_MS, 300, &e_));
  CHECK_ERR(wkd_config_set_int(cfg, WKD_OPT_HEAL_INTERVAL_MS, -1, &e_), WKD_E_INVAL, NULL);
  a = make_node_from(cfg, "a", FAST_NODE_START);
  wkd_config_free(cfg);
  b = make_fast_node("b", "127.0.8.2:0", FAST_NODE_START, 0);
  CHECK(a != NULL && b != NULL);
  if (a == NULL || b == NULL) return 1;
  CHECK_OK(wkd_node_local_addr(addr, sizeof(addr), NULL, a, &e_));
  {
    const char* seeds[1];
    seeds[0] = addr;
    CHECK_OK(wkd_node_join(&joined, b, seeds, 1, 5000, &e_));
  }
  CHECK(wait_member_state(b, "a", WKD_MEMBER_ALIVE, 10));

  node_checks(a, b);
  fed_instances_and_healing(a, b);

  wkd_node_free(b);
  wkd_node_free(a);
  if (failures != 0) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures == 0 ? 0 : 1;
}
