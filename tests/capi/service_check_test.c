/*
 * Health checks through the C API only (wkd/check.h and the checks of
 * wkd_service), on real nodes on loopback (127.0.5.21-24): a TCP check
 * against a listener the test opens and closes moves an instance HEALTHY
 * then UNHEALTHY on another node; a TTL check reported and left to
 * expire; a script check (on a node that enables them, refused by one
 * that does not); an alias check following another service; re-registering
 * keeps an unchanged check's state and drops unlisted checks; a check
 * critical for long enough deregisters its instance everywhere; every
 * refusal names checks[i] and the field as wkd_check spells it, and leaves
 * the instance as it was. Every wait has a deadline.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"
#include "registry_calls.h"
#include "tcp_listener.h"

static wkd_check quick(wkd_check_kind kind, const char* target) {
  wkd_check c = WKD_CHECK_INIT;
  c.kind = kind;
  c.target = target;
  c.interval_ms = 200;
  c.timeout_ms = 150;
  return c;
}

static wkd_service service(const char* name, const char* id, const wkd_check* checks, size_t n) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = name;
  s.instance_id = id;
  s.host = "127.0.5.24";
  s.port = 5432;
  s.checks = checks;
  s.n_checks = n;
  return s;
}

/* A check's state on its owner: 1 when `reported` and `state` match. */
static int wait_check(wkd_node_t* node, const char* svc, const char* id, const char* check, wkd_check_state state,
                      double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    if (wkd_service_check_info(&info, NULL, 0, node, svc, id, check, NULL) == WKD_OK && info.reported &&
        info.state == state)
      return 1;
    sleep_ms(20);
  }
  return 0;
}

static void check_refusals(wkd_node_t* a) {
  wkd_check c[2];
  wkd_service s;
  wkd_instances_t* snap = NULL;
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;

  /* A valid registration to compare against after each refusal. */
  c[0] = quick(WKD_CHECK_KIND_TTL, NULL);
  c[0].ttl_ms = 60000;
  s = service("refusals", "r-1", c, 1);
  CHECK_OK(wkd_service_register(a, &s, &e_));
  CHECK(wait_instance(a, "refusals", "r-1", WKD_INSTANCE_STARTING, -1, 5));

  s = service("refusals", "r-1", NULL, 1);
  s.port = 1111;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks: NULL with n_checks > 0");
  s = service("refusals", "r-1", c, 33);
  s.port = 1111;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_TOOBIG, "n_checks: 33");

  c[0] = quick(WKD_CHECK_KIND_TCP, "127.0.5.24:1");
  c[1] = quick(WKD_CHECK_KIND_TCP, "127.0.5.24:2");
  s = service("refusals", "r-1", c, 2);
  s.port = 1111;
  c[1].struct_size = 8;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].struct_size: 8 differs");
  c[1] = quick((wkd_check_kind)99, "x");
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].kind: 99 is not a wkd_check_kind");
  c[1] = quick(WKD_CHECK_KIND_TCP, "127.0.5.24:2");
  c[1].interval_ms = 5;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].interval_ms: 5 ms is out of range");
  c[1].interval_ms = 200;
  c[1].timeout_ms = -5;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].timeout_ms: -5 is negative");
  c[1].timeout_ms = 150;
  c[1].target = "no-port";
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].target");
  c[1].target = "127.0.5.24:2";
  c[1].failures_before_critical = 0;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].failures_before_critical: 0");
  c[1].failures_before_critical = 1;
  c[1].headers = NULL;
  c[1].n_headers = 2;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].headers: NULL");
  c[1].n_headers = 0;
  /* Two checks of one kind without ids: both are "tcp". */
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[1].id: 'tcp' is given twice");

  /* None of these changed the instance nor its check. */
  CHECK_OK(wkd_node_instance(&snap, a, "refusals", "r-1", &e_));
  CHECK(wkd_instances_at(&in, snap, 0, NULL) == WKD_OK && in.port == 5432);
  wkd_instances_free(snap);
  {
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    CHECK_OK(wkd_service_check_info(&info, NULL, 0, a, "refusals", "r-1", "ttl", &e_));
    CHECK(info.kind == WKD_CHECK_KIND_TTL);
    CHECK_ERR(wkd_service_check_info(&info, NULL, 0, a, "refusals", "r-1", "tcp", &e_), WKD_E_NOTFOUND, NULL);
  }

  /* Arguments of the check calls. */
  {
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    char buf[4];
    CHECK_ERR(wkd_service_check_info(NULL, NULL, 0, a, "refusals", "r-1", "ttl", &e_), WKD_E_INVAL, "out is NULL");
    CHECK_ERR(wkd_service_check_info(&info, NULL, 4, a, "refusals", "r-1", "ttl", &e_), WKD_E_INVAL,
              "output is NULL");
    CHECK_ERR(wkd_service_check_info(&info, buf, 4, NULL, "refusals", "r-1", "ttl", &e_), WKD_E_INVAL, "node");
    CHECK_ERR(wkd_service_check_info(&info, buf, 4, a, NULL, "r-1", "ttl", &e_), WKD_E_INVAL, "service_name");
    CHECK_ERR(wkd_service_check_info(&info, buf, 4, a, "refusals", NULL, "ttl", &e_), WKD_E_INVAL, "instance_id");
    CHECK_ERR(wkd_service_check_info(&info, buf, 4, a, "refusals", "r-1", NULL, &e_), WKD_E_INVAL, "check_id");
    CHECK_ERR(wkd_service_check_report(a, "refusals", "r-1", NULL, WKD_CHECK_PASSING, NULL, &e_), WKD_E_INVAL,
              "check_id");
    CHECK_ERR(wkd_service_check_report(a, "refusals", "r-1", "ttl", (wkd_check_state)7, NULL, &e_), WKD_E_INVAL,
              "state: 7");
    CHECK_ERR(wkd_service_check_report(a, "refusals", "r-1", "nope", WKD_CHECK_PASSING, NULL, &e_), WKD_E_NOTFOUND,
              NULL);
    CHECK_ERR(wkd_service_check_report(NULL, "refusals", "r-1", "ttl", WKD_CHECK_PASSING, NULL, &e_), WKD_E_INVAL,
              "node");
  }
  CHECK_OK(wkd_service_deregister(a, "refusals", "r-1", &e_));
}

int main(void) {
  wkd_node_t* a;
  wkd_node_t* b;
  wkd_config_t* cfg;
  char seed[64];
  unsigned short port = 0;
  char target[64];
  int joined = 0;
  int lfd;

  cfg = fast_node_config("chk-a", "127.0.5.21:0", 0);
  if (cfg != NULL) wkd_config_set_bool(cfg, WKD_OPT_SCRIPT_CHECKS, true, NULL);
  a = make_node_from(cfg, "chk-a", FAST_NODE_START);
  wkd_config_free(cfg);
  b = make_fast_node("chk-b", "127.0.5.22:0", FAST_NODE_START, 0);
  lfd = listen_tcp("127.0.5.24", &port);
  if (a == NULL || b == NULL || lfd < 0) {
    fprintf(stderr, "could not create the nodes or the listener\n");
    return 1;
  }
  snprintf(target, sizeof(target), "127.0.5.24:%u", (unsigned)port);
  CHECK_OK(wkd_node_local_addr(seed, sizeof(seed), NULL, a, &e_));
  {
    const char* seeds[] = {seed};
    CHECK_OK(wkd_node_join(&joined, b, seeds, 1, 5000, &e_));
    CHECK(joined == 1);
  }

  /* Names and defaults. */
  CHECK(strcmp(wkd_check_kind_name(WKD_CHECK_KIND_GRPC), "grpc") == 0);
  CHECK(strcmp(wkd_check_kind_name((wkd_check_kind)42), "unknown") == 0);
  {
    wkd_check c;
    memset(&c, 0xab, sizeof(c));
    wkd_check_init(&c, offsetof(wkd_check, timeout_ms));
    CHECK(c.struct_size == offsetof(wkd_check, timeout_ms) && c.interval_ms == 10000);
    CHECK(c.timeout_ms == (int32_t)0xabababab); /* beyond the given size: untouched */
    wkd_check_init(&c, sizeof(c));
    CHECK(c.timeout_ms == 5000 && c.failures_before_critical == 1 && c.success_before_passing == 1);
  }

  check_refusals(a);

  /* A TCP check: HEALTHY on b while the listener is up, UNHEALTHY once it is closed. */
  {
    wkd_check c = quick(WKD_CHECK_KIND_TCP, target);
    wkd_service s = service("pg", "pg-1", &c, 1);
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    char out[256];
    char small[8];
    c.id = "port";
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK(wait_instance(b, "pg", "pg-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_PASSING, 10));
    CHECK_OK(wkd_service_check_info(&info, out, sizeof(out), a, "pg", "pg-1", "port", &e_));
    CHECK(info.kind == WKD_CHECK_KIND_TCP && info.reported && info.state == WKD_CHECK_PASSING);
    CHECK(info.last_result_unix_ms > 0 && info.successes >= 1 && info.failures == 0);
    CHECK(strstr(out, "connected") != NULL && info.output_len == strlen(out));

    /* Registering the same check again keeps its counters. */
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK_OK(wkd_service_check_info(&info, NULL, 0, a, "pg", "pg-1", "port", &e_));
    CHECK(info.reported && info.state == WKD_CHECK_PASSING);

    close(lfd);
    lfd = -1;
    CHECK(wait_instance(b, "pg", "pg-1", WKD_INSTANCE_UNHEALTHY, WKD_CHECK_CRITICAL, 10));
    CHECK_OK(wkd_service_check_info(&info, small, sizeof(small), a, "pg", "pg-1", "port", &e_));
    CHECK(info.state == WKD_CHECK_CRITICAL && info.failures >= 1);
    CHECK(info.output_len > 7 && strlen(small) == 7); /* cut to the buffer, NUL-terminated */
    CHECK_OK(wkd_service_check_info(&info, out, sizeof(out), a, "pg", "pg-1", "port", &e_));
    CHECK(strstr(out, "refused") != NULL);

    /* Registered without checks: its checks go. */
    s.n_checks = 0;
    s.checks = NULL;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK_ERR(wkd_service_check_info(&info, NULL, 0, a, "pg", "pg-1", "port", &e_), WKD_E_NOTFOUND, NULL);
    /* Another node's instance: its checks are not here. */
    CHECK_ERR(wkd_service_check_info(&info, NULL, 0, b, "pg", "pg-1", "port", &e_), WKD_E_NOTFOUND, NULL);
  }

  /* A TTL check, reported then left to expire. */
  {
    wkd_check c = WKD_CHECK_INIT;
    wkd_service s = service("cache", "c-1", &c, 1);
    char out[64];
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    c.kind = WKD_CHECK_KIND_TTL;
    c.id = "beat";
    c.ttl_ms = 400;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK_OK(wkd_service_check_report(a, "cache", "c-1", "beat", WKD_CHECK_WARNING, "warm-up", &e_));
    CHECK(wait_instance(b, "cache", "c-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_WARNING, 10));
    CHECK_OK(wkd_service_check_info(&info, out, sizeof(out), a, "cache", "c-1", "beat", &e_));
    CHECK(strcmp(out, "warm-up") == 0 && info.state == WKD_CHECK_WARNING);
    /* Not reported again within 400 ms: critical everywhere. */
    CHECK(wait_instance(b, "cache", "c-1", WKD_INSTANCE_UNHEALTHY, WKD_CHECK_CRITICAL, 10));
    CHECK_ERR(wkd_service_check_report(b, "cache", "c-1", "beat", WKD_CHECK_PASSING, NULL, &e_), WKD_E_NOTFOUND,
              NULL);
    CHECK_OK(wkd_service_check_report(a, "cache", "c-1", "beat", WKD_CHECK_PASSING, NULL, &e_));
    CHECK(wait_instance(b, "cache", "c-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_PASSING, 10));
  }

  /* An alias check follows "cache"; a script check on a node that runs them. */
  {
    wkd_check c[2];
    wkd_service s = service("sidecar", "s-1", c, 2);
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    char out[64];
    c[0] = quick(WKD_CHECK_KIND_ALIAS, "cache");
    c[1] = quick(WKD_CHECK_KIND_SCRIPT, "echo disk at 91%; exit 1");
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK(wait_instance(b, "sidecar", "s-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_WARNING, 10));
    CHECK(wait_check(a, "sidecar", "s-1", "script", WKD_CHECK_WARNING, 10));
    CHECK_OK(wkd_service_check_info(&info, out, sizeof(out), a, "sidecar", "s-1", "script", &e_));
    CHECK(strstr(out, "disk at 91%") != NULL);
    CHECK(wait_check(a, "sidecar", "s-1", "alias", WKD_CHECK_PASSING, 10));
    /* The aliased service turns critical: so does the sidecar. */
    CHECK_OK(wkd_service_check_report(a, "cache", "c-1", "beat", WKD_CHECK_CRITICAL, "gone", &e_));
    CHECK(wait_instance(b, "sidecar", "s-1", WKD_INSTANCE_UNHEALTHY, WKD_CHECK_CRITICAL, 10));

    /* b does not run scripts: the registration is refused as a whole. */
    s.instance_id = "s-2";
    CHECK_ERR(wkd_service_register(b, &s, &e_), WKD_E_NOTSUP, "checks[1].kind: script checks");
    {
      wkd_instances_t* snap = NULL;
      CHECK_ERR(wkd_node_instance(&snap, b, "sidecar", "s-2", &e_), WKD_E_NOTFOUND, NULL);
      wkd_instances_free(snap);
    }
  }

  /* An HTTP check: its request fields reach it (a bad header is refused by
     name); nothing listens, so it is critical with the reason. */
  {
    wkd_kv headers[1] = {{"bad name", "x"}};
    wkd_check c = quick(WKD_CHECK_KIND_HTTP, "http://127.0.5.24:1/health");
    wkd_service s = service("web", "w-1", &c, 1);
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    char out[256];
    c.method = "POST";
    c.body = "{}";
    c.headers = headers;
    c.n_headers = 1;
    CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "checks[0].headers: 'bad name' is not a header name");
    headers[0].key = "X-Probe";
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK(wait_check(a, "web", "w-1", "http", WKD_CHECK_CRITICAL, 10));
    CHECK_OK(wkd_service_check_info(&info, out, sizeof(out), a, "web", "w-1", "http", &e_));
    CHECK(info.kind == WKD_CHECK_KIND_HTTP && strstr(out, "HTTP POST http://127.0.5.24:1/health") != NULL);
    CHECK(wait_instance(b, "web", "w-1", WKD_INSTANCE_UNHEALTHY, WKD_CHECK_CRITICAL, 10));
  }

  /* Deregistered, an instance's checks stop with it: reports and reads
     find none. Registered again, the key is a new record whose checks
     start afresh, not reported yet. */
  {
    wkd_check c = WKD_CHECK_INIT;
    wkd_service s = service("queue", "q-1", &c, 1);
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    c.kind = WKD_CHECK_KIND_TTL;
    c.id = "beat";
    c.ttl_ms = 60000;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK_OK(wkd_service_check_report(a, "queue", "q-1", "beat", WKD_CHECK_PASSING, NULL, &e_));
    CHECK(wait_instance(b, "queue", "q-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_PASSING, 10));
    CHECK_OK(wkd_service_deregister(a, "queue", "q-1", &e_));
    CHECK_ERR(wkd_service_check_report(a, "queue", "q-1", "beat", WKD_CHECK_PASSING, NULL, &e_), WKD_E_NOTFOUND,
              NULL);
    CHECK_ERR(wkd_service_check_info(&info, NULL, 0, a, "queue", "q-1", "beat", &e_), WKD_E_NOTFOUND, NULL);
    CHECK(wait_instance(b, "queue", "q-1", WKD_INSTANCE_DEREGISTERED, -1, 10));
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK_OK(wkd_service_check_info(&info, NULL, 0, a, "queue", "q-1", "beat", &e_));
    CHECK(!info.reported);
    CHECK(wait_instance(b, "queue", "q-1", WKD_INSTANCE_STARTING, -1, 10));
  }

  /* A program built against a newer header: larger structs whose unknown
     tails are not read, and checks laid out at its larger stride. */
  {
    struct newer_check {
      wkd_check c;
      char future[24];
    } checks[2];
    struct {
      wkd_service s;
      char future[40];
    } big;
    wkd_check_info info = WKD_CHECK_INFO_INIT;
    memset(checks, 0x5a, sizeof(checks));
    memset(&big, 0x5a, sizeof(big));
    checks[0].c = quick(WKD_CHECK_KIND_TTL, NULL);
    checks[0].c.ttl_ms = 60000;
    checks[0].c.id = "first";
    checks[1].c = quick(WKD_CHECK_KIND_TTL, NULL);
    checks[1].c.ttl_ms = 60000;
    checks[1].c.id = "second";
    checks[0].c.struct_size = checks[1].c.struct_size = (uint32_t)sizeof(struct newer_check);
    big.s = service("future", "f-1", &checks[0].c, 2);
    big.s.struct_size = (uint32_t)sizeof(big);
    CHECK_OK(wkd_service_register(a, &big.s, &e_));
    CHECK_OK(wkd_service_check_info(&info, NULL, 0, a, "future", "f-1", "second", &e_));
    CHECK(info.kind == WKD_CHECK_KIND_TTL);
    CHECK_OK(wkd_service_deregister(a, "future", "f-1", &e_));
  }

  /* Critical for deregister_critical_after_ms: deregistered everywhere. */
  {
    wkd_check c = quick(WKD_CHECK_KIND_TCP, target); /* the listener is closed */
    wkd_service s = service("gone", "g-1", &c, 1);
    c.deregister_critical_after_ms = 300;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK(wait_instance(b, "gone", "g-1", WKD_INSTANCE_DEREGISTERED, -1, 10));
    {
      wkd_check_info info = WKD_CHECK_INFO_INIT;
      CHECK_ERR(wkd_service_check_info(&info, NULL, 0, a, "gone", "g-1", "tcp", &e_), WKD_E_NOTFOUND, NULL);
    }
  }

  if (lfd >= 0) close(lfd);
  wkd_node_free(b);
  wkd_node_free(a);
  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("service checks: all passed\n");
  return 0;
}
