/*
 * The registry's aggregates and dependencies through the C API only
 * (wkd/aggregate.h and wkd/dependency.h), on two real nodes on loopback
 * (127.0.7.x, port 0): every call with NULL and invalid arguments (the
 * message names the field), sized structs both older and newer than the
 * library's, summaries of instances in several statuses replicated between
 * the nodes, dependencies declared on one node read with their health on
 * the other, the graph, the platform's health moving as instances pass,
 * duplicate declarations refused, and snapshots read after the registry
 * moved on and freed (run under ASan by the sanitize stage), and a closed
 * node refusing every call. Every wait has a deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"
#include "registry_calls.h"

static void register_instance(wkd_node_t* node, const char* service, const char* id, const char* version) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = service;
  s.instance_id = id;
  s.host = "192.0.2.7";
  s.port = 8080;
  s.version = version;
  s.ttl_ms = 60000;
  CHECK_OK(wkd_service_register(node, &s, &e_));
}

/* Waits until `node` summarises `service` with these counts; 1 on success. */
static int wait_summary(wkd_node_t* node, const char* service, unsigned total, unsigned healthy, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
    if (wkd_node_service_summary(&s, node, service, NULL) == WKD_OK && s.total_instances == total &&
        s.healthy_instances == healthy)
      return 1;
    sleep_ms(20);
  }
  fprintf(stderr, "%s: no summary %u/%u of %s in %.0f s\n", wkd_node_name(node), healthy, total, service, limit_s);
  return 0;
}

/* Waits until `node` holds `count` dependencies of `service` (NULL: all). */
static int wait_dependencies(wkd_node_t* node, const char* service, size_t count, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_dependencies_t* deps = NULL;
    size_t n = (size_t)-1;
    if (wkd_node_dependencies(&deps, node, service, NULL) == WKD_OK) n = wkd_dependencies_count(deps);
    wkd_dependencies_free(deps);
    if (n == count) return 1;
    sleep_ms(20);
  }
  fprintf(stderr, "%s: not %u dependencies of %s in %.0f s\n", wkd_node_name(node), (unsigned)count,
          service ? service : "(all)", limit_s);
  return 0;
}

/* Waits until the platform's health on `node` is `status`. */
static int wait_platform(wkd_node_t* node, wkd_aggregate_status status, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_platform_health p = WKD_PLATFORM_HEALTH_INIT;
    if (wkd_node_platform_health(&p, node, NULL) == WKD_OK && p.status == status) return 1;
    sleep_ms(20);
  }
  fprintf(stderr, "%s: platform not %s in %.0f s\n", wkd_node_name(node), wkd_aggregate_status_name(status), limit_s);
  return 0;
}

/* Every new call refuses NULL and invalid arguments, naming the field. */
static void check_arguments(wkd_node_t* a) {
  wkd_service_summary sum = WKD_SERVICE_SUMMARY_INIT;
  wkd_service_health sh = WKD_SERVICE_HEALTH_INIT;
  wkd_platform_health ph = WKD_PLATFORM_HEALTH_INIT;
  wkd_dependency_health dh = WKD_DEPENDENCY_HEALTH_INIT;
  wkd_dependency_info di = WKD_DEPENDENCY_INFO_INIT;
  wkd_dependency_edge edge = WKD_DEPENDENCY_EDGE_INIT;
  wkd_dependency d = WKD_DEPENDENCY_INIT;
  wkd_dependency init;
  wkd_service_summaries_t* sums = (wkd_service_summaries_t*)&init; /* reset to NULL on failure */
  wkd_dependencies_t* deps = (wkd_dependencies_t*)&init;
  wkd_dependency_graph_t* graph = (wkd_dependency_graph_t*)&init;

  CHECK_ERR(wkd_node_service_summary(NULL, a, "orders", &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_service_summary(&sum, NULL, "orders", &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_service_summary(&sum, a, NULL, &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_service_summary(&sum, a, "", &e_), WKD_E_INVAL, "service_name");
  sum.struct_size = 2;
  CHECK_ERR(wkd_node_service_summary(&sum, a, "orders", &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_service_summaries(NULL, a, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_service_summaries(&sums, NULL, &e_), WKD_E_INVAL, "node");
  CHECK(sums == NULL);
  sum = (wkd_service_summary)WKD_SERVICE_SUMMARY_INIT;
  CHECK_ERR(wkd_service_summaries_at(&sum, NULL, 0, &e_), WKD_E_INVAL, "summaries");
  CHECK_ERR(wkd_service_summaries_at(NULL, NULL, 0, &e_), WKD_E_INVAL, "out");
  CHECK(wkd_service_summaries_count(NULL) == 0 && wkd_service_summaries_version(NULL) == 0);
  wkd_service_summaries_free(NULL);

  CHECK_ERR(wkd_node_service_health(NULL, a, "orders", &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_service_health(&sh, NULL, "orders", &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_service_health(&sh, a, NULL, &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_platform_health(NULL, a, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_platform_health(&ph, NULL, &e_), WKD_E_INVAL, "node");
  ph.struct_size = 0;
  CHECK_ERR(wkd_node_platform_health(&ph, a, &e_), WKD_E_INVAL, "out");

  CHECK_ERR(wkd_node_declare_dependency(NULL, &d, &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_declare_dependency(a, NULL, &e_), WKD_E_INVAL, "dep");
  d.struct_size = 1;
  CHECK_ERR(wkd_node_declare_dependency(a, &d, &e_), WKD_E_INVAL, "dep");
  CHECK_ERR(wkd_node_remove_dependency(NULL, "orders", "billing", &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_remove_dependency(a, NULL, "billing", &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_remove_dependency(a, "orders", NULL, &e_), WKD_E_INVAL, "depends_on");
  CHECK_ERR(wkd_node_dependencies(NULL, a, NULL, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_dependencies(&deps, NULL, NULL, &e_), WKD_E_INVAL, "node");
  CHECK(deps == NULL);
  deps = (wkd_dependencies_t*)&init;
  CHECK_ERR(wkd_node_dependents(NULL, a, "billing", &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_dependents(&deps, NULL, "billing", &e_), WKD_E_INVAL, "node");
  CHECK(deps == NULL);
  CHECK_ERR(wkd_node_dependents(&deps, a, NULL, &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_dependents(&deps, a, "", &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_dependencies_at(&di, NULL, 0, &e_), WKD_E_INVAL, "deps");
  CHECK_ERR(wkd_dependencies_at(NULL, NULL, 0, &e_), WKD_E_INVAL, "out");
  CHECK(wkd_dependencies_count(NULL) == 0 && wkd_dependencies_version(NULL) == 0);
  wkd_dependencies_free(NULL);
  CHECK_ERR(wkd_node_dependency_health(NULL, a, "orders", &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_dependency_health(&dh, NULL, "orders", &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_dependency_health(&dh, a, NULL, &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_dependency_graph(NULL, a, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_dependency_graph(&graph, NULL, &e_), WKD_E_INVAL, "node");
  CHECK(graph == NULL);
  CHECK_ERR(wkd_dependency_graph_edge_at(&edge, NULL, 0, &e_), WKD_E_INVAL, "graph");
  CHECK_ERR(wkd_dependency_graph_edge_at(NULL, NULL, 0, &e_), WKD_E_INVAL, "out");
  CHECK(wkd_dependency_graph_service_count(NULL) == 0 && wkd_dependency_graph_edge_count(NULL) == 0 &&
        wkd_dependency_graph_service_at(NULL, 0) == NULL && wkd_dependency_graph_version(NULL) == 0);
  wkd_dependency_graph_free(NULL);

  /* The FFI initialiser writes no further than it is told. */
  memset(&init, 0xff, sizeof init);
  wkd_dependency_init(&init, sizeof init);
  CHECK(init.struct_size == sizeof init && init.type == WKD_DEPENDENCY_RUNTIME && init.required &&
        init.timeout_ms == WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS && init.service_name == NULL && init.min_version == NULL);
  memset(&init, 0xff, sizeof init);
  wkd_dependency_init(&init, offsetof(wkd_dependency, type));
  CHECK(init.struct_size == offsetof(wkd_dependency, type) && init.depends_on == NULL && init.timeout_ms == -1);
  wkd_dependency_init(NULL, sizeof init);

  CHECK(strcmp(wkd_aggregate_status_name(WKD_AGGREGATE_DEGRADED), "DEGRADED") == 0);
  CHECK(strcmp(wkd_dependency_type_name(WKD_DEPENDENCY_OPTIONAL), "OPTIONAL") == 0);
}

/* The terms the registry refuses, each named as wkd_dependency spells it. */
static void check_refusals(wkd_node_t* a) {
  char long_path[2100];
  wkd_dependency d;
#define REFUSED(assign, want, prefix)                                \
  do {                                                              \
    d = (wkd_dependency)WKD_DEPENDENCY_INIT;                        \
    d.service_name = "orders";                                      \
    d.depends_on = "billing";                                       \
    assign;                                                         \
    CHECK_ERR(wkd_node_declare_dependency(a, &d, &e_), (want), (prefix)); \
  } while (0)
  REFUSED(d.service_name = NULL, WKD_E_INVAL, "service_name:");
  REFUSED(d.service_name = "Bad_Name", WKD_E_INVAL, "service_name:");
  REFUSED(d.depends_on = "", WKD_E_INVAL, "depends_on:");
  REFUSED(d.depends_on = "orders", WKD_E_INVAL, "depends_on: a service cannot depend on itself");
  REFUSED(d.type = (wkd_dependency_type)9, WKD_E_INVAL, "type: 9");
  REFUSED(d.min_version = "1.2", WKD_E_INVAL, "min_version:");
  REFUSED(d.max_version = "x", WKD_E_INVAL, "max_version:");
  REFUSED((d.min_version = "2.0.0", d.max_version = "1.0.0"), WKD_E_INVAL, "max_version: 1.0.0 is lower than min_version");
  REFUSED(d.health_check_endpoint = "ftp://x/ready", WKD_E_INVAL, "health_check_endpoint:");
  REFUSED(d.health_check_endpoint = "/a b", WKD_E_INVAL, "health_check_endpoint:");
  memset(long_path, 'a', sizeof long_path - 1);
  long_path[0] = '/';
  long_path[sizeof long_path - 1] = '\0';
  REFUSED(d.health_check_endpoint = long_path, WKD_E_TOOBIG, "health_check_endpoint:");
  REFUSED(d.timeout_ms = 0, WKD_E_INVAL, "timeout_ms: 0");
  REFUSED(d.timeout_ms = WKD_DEPENDENCY_MAX_TIMEOUT_MS + 1, WKD_E_INVAL, "timeout_ms:");
#undef REFUSED
}

/* The summary of `service` in a snapshot, by name; 1 when found. */
static int find_summary(wkd_service_summary* out, const wkd_service_summaries_t* sums, const char* service) {
  size_t i;
  for (i = 0; i < wkd_service_summaries_count(sums); i++) {
    if (wkd_service_summaries_at(out, sums, i, NULL) == WKD_OK && strcmp(out->service_name, service) == 0) return 1;
  }
  return 0;
}

int main(void) {
  wkd_node_t* a;
  wkd_node_t* b;
  wkd_node_t* idle;
  char seed[64];
  int joined = 0;
  wkd_dependencies_t* kept = NULL;

  a = make_fast_node("agg-a", "127.0.7.1:0", FAST_NODE_START, 0);
  b = make_fast_node("agg-b", "127.0.7.2:0", FAST_NODE_START, 0);
  idle = make_fast_node("agg-idle", "127.0.7.3:0", FAST_NODE_IDLE, 0);
  if (a == NULL || b == NULL || idle == NULL) {
    fprintf(stderr, "could not create the nodes\n");
    return 1;
  }

  check_arguments(a);
  check_refusals(a);

  /* A node that is not started declares nothing, and reads an empty, UP platform. */
  {
    wkd_dependency d = WKD_DEPENDENCY_INIT;
    wkd_platform_health p = WKD_PLATFORM_HEALTH_INIT;
    wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
    d.service_name = "orders";
    d.depends_on = "billing";
    CHECK_ERR(wkd_node_declare_dependency(idle, &d, &e_), WKD_E_STATE, NULL);
    CHECK_ERR(wkd_node_remove_dependency(idle, "orders", "billing", &e_), WKD_E_STATE, NULL);
    CHECK_OK(wkd_node_platform_health(&p, idle, &e_));
    CHECK(p.status == WKD_AGGREGATE_UP && p.services == 0 && p.dependencies == 0);
    CHECK_ERR(wkd_node_service_summary(&s, idle, "orders", &e_), WKD_E_NOTFOUND, "service orders has no instance");
  }

  /*
   * Instances in several statuses, on both nodes:
   *   a: orders o-1 HEALTHY, o-2 UNHEALTHY; billing b-1 2.1.0 HEALTHY, b-2 1.0.0 DRAINING
   *   b: billing b-3 STARTING; payments p-1 STARTING; audit x-1 DEREGISTERED
   */
  register_instance(a, "orders", "o-1", "1.0.0");
  register_instance(a, "orders", "o-2", "1.0.0");
  register_instance(a, "billing", "b-1", "2.1.0");
  register_instance(a, "billing", "b-2", "1.0.0");
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-1", WKD_CHECK_PASSING, NULL, &e_));
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-2", WKD_CHECK_CRITICAL, NULL, &e_));
  CHECK_OK(wkd_service_ttl_update(a, "billing", "b-1", WKD_CHECK_WARNING, NULL, &e_));
  CHECK_OK(wkd_service_drain(a, "billing", "b-2", &e_));
  register_instance(b, "billing", "b-3", "2.2.0");
  register_instance(b, "payments", "p-1", "0.9.0");
  register_instance(b, "audit", "x-1", NULL);
  CHECK_OK(wkd_service_deregister(b, "audit", "x-1", &e_));

  CHECK_OK(wkd_node_local_addr(seed, sizeof seed, NULL, a, &e_));
  {
    const char* seeds[1];
    seeds[0] = seed;
    CHECK_OK(wkd_node_join(&joined, b, seeds, 1, 5000, &e_));
  }
  CHECK(wait_summary(b, "orders", 2, 1, 10));
  CHECK(wait_summary(b, "billing", 3, 1, 10));
  CHECK(wait_summary(a, "billing", 3, 1, 10));
  CHECK(wait_summary(a, "payments", 1, 0, 10));

  /* One summary: which statuses count where, and an unknown service. */
  {
    wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
    CHECK_OK(wkd_node_service_summary(&s, a, "billing", &e_));
    /* HEALTHY (warning) b-1; DRAINING b-2 and STARTING b-3 are unhealthy. */
    CHECK(s.total_instances == 3 && s.healthy_instances == 1 && s.unhealthy_instances == 2);
    CHECK(s.overall_status == WKD_AGGREGATE_UP && s.version > 0 && strcmp(s.service_name, "billing") == 0);
    CHECK_OK(wkd_node_service_summary(&s, a, "payments", &e_));
    CHECK(s.total_instances == 1 && s.healthy_instances == 0 && s.unhealthy_instances == 1 &&
          s.overall_status == WKD_AGGREGATE_DOWN);
    /* Only a tombstone left, or never heard of: not found, *out untouched. */
    s.total_instances = 77;
    CHECK_ERR(wkd_node_service_summary(&s, a, "audit", &e_), WKD_E_NOTFOUND, "service audit has no instance");
    CHECK_ERR(wkd_node_service_summary(&s, a, "nosuch", &e_), WKD_E_NOTFOUND, NULL);
    CHECK(s.total_instances == 77);
    /* An older, shorter struct is written no further than its size. */
    {
      wkd_service_summary small;
      memset(&small, 0xab, sizeof small);
      small.struct_size = (uint32_t)offsetof(wkd_service_summary, healthy_instances);
      CHECK_OK(wkd_node_service_summary(&small, a, "billing", &e_));
      CHECK(small.struct_size == offsetof(wkd_service_summary, healthy_instances) && small.total_instances == 3);
      CHECK(small.healthy_instances == 0xabababab && small.unhealthy_instances == 0xabababab);
    }
    /* A newer, larger one (unknown fields at its end) is written as far as known. */
    {
      struct {
        wkd_service_summary s;
        unsigned char later[16];
      } big;
      size_t i;
      int kept_later = 1;
      memset(&big, 0xcd, sizeof big);
      big.s.struct_size = (uint32_t)sizeof big;
      CHECK_OK(wkd_node_service_summary(&big.s, a, "orders", &e_));
      CHECK(big.s.struct_size == sizeof big && big.s.total_instances == 2 && big.s.healthy_instances == 1);
      for (i = 0; i < sizeof big.later; i++) kept_later = kept_later && big.later[i] == 0xcd;
      CHECK(kept_later);
    }
  }
  /* Every service's summary in one snapshot, on the other node. */
  {
    wkd_service_summaries_t* sums = NULL;
    wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
    CHECK_OK(wkd_node_service_summaries(&sums, b, &e_));
    CHECK(wkd_service_summaries_count(sums) == 3); /* audit has only a tombstone */
    CHECK(wkd_service_summaries_version(sums) > 0);
    CHECK_OK(wkd_service_summaries_at(&s, sums, 0, &e_));
    CHECK(strcmp(s.service_name, "billing") == 0 && s.version == wkd_service_summaries_version(sums));
    CHECK(find_summary(&s, sums, "orders") && s.total_instances == 2 && s.healthy_instances == 1 &&
          s.unhealthy_instances == 1 && s.overall_status == WKD_AGGREGATE_UP);
    CHECK(find_summary(&s, sums, "payments") && s.overall_status == WKD_AGGREGATE_DOWN);
    CHECK(!find_summary(&s, sums, "audit"));
    CHECK_ERR(wkd_service_summaries_at(&s, sums, 3, &e_), WKD_E_INVAL, "index 3");
    wkd_service_summaries_free(sums);
  }

  /*
   * Dependencies: on a, orders -> billing (>= 2.0.0, required) and orders ->
   * payments (OPTIONAL, not required); on b, payments -> ledger (required;
   * ledger has no instance).
   */
  {
    wkd_dependency d = WKD_DEPENDENCY_INIT;
    d.service_name = "orders";
    d.depends_on = "billing";
    d.min_version = "2.0.0";
    d.health_check_endpoint = "/ready";
    CHECK_OK(wkd_node_declare_dependency(a, &d, &e_));
    d = (wkd_dependency)WKD_DEPENDENCY_INIT;
    d.service_name = "orders";
    d.depends_on = "payments";
    d.type = WKD_DEPENDENCY_OPTIONAL;
    d.required = false;
    d.timeout_ms = 250;
    CHECK_OK(wkd_node_declare_dependency(a, &d, &e_));
  }
  {
    /* A newer caller's larger struct: the unknown tail is not read. */
    struct {
      wkd_dependency d;
      unsigned char later[32];
    } big;
    memset(&big, 0xee, sizeof big);
    big.d = (wkd_dependency)WKD_DEPENDENCY_INIT;
    big.d.struct_size = (uint32_t)sizeof big;
    big.d.service_name = "payments";
    big.d.depends_on = "ledger";
    big.d.max_version = "1.9.9";
    CHECK_OK(wkd_node_declare_dependency(b, &big.d, &e_));
  }
  CHECK(wait_dependencies(b, NULL, 3, 10));
  CHECK(wait_dependencies(a, NULL, 3, 10));

  /* What orders depends on, read on b, each judged there. */
  CHECK_OK(wkd_node_dependencies(&kept, b, "orders", &e_));
  CHECK(wkd_dependencies_count(kept) == 2 && wkd_dependencies_version(kept) > 0);
  {
    wkd_dependency_info in = WKD_DEPENDENCY_INFO_INIT;
    CHECK_OK(wkd_dependencies_at(&in, kept, 0, &e_));
    CHECK(strcmp(in.service_name, "orders") == 0 && strcmp(in.depends_on, "billing") == 0);
    CHECK(in.type == WKD_DEPENDENCY_RUNTIME && in.required && strcmp(in.min_version, "2.0.0") == 0 &&
          strcmp(in.max_version, "") == 0 && strcmp(in.health_check_endpoint, "/ready") == 0 &&
          in.timeout_ms == WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS);
    CHECK(in.status == WKD_INSTANCE_STARTING && strcmp(in.owner, "agg-a") == 0 && strlen(in.uuid) == 36 &&
          in.declared_unix_ms > 1600000000000LL && in.updated_unix_ms >= in.declared_unix_ms);
    /* billing: b-1 2.1.0 HEALTHY matches; b-2 DRAINING, b-3 STARTING do not. */
    CHECK(in.healthy && !in.blocking && in.instances == 3 && in.healthy_instances == 1 &&
          in.matching_instances == 1 && strcmp(in.reason, "") == 0);
    CHECK_OK(wkd_dependencies_at(&in, kept, 1, &e_));
    CHECK(strcmp(in.depends_on, "payments") == 0 && in.type == WKD_DEPENDENCY_OPTIONAL && !in.required &&
          in.timeout_ms == 250);
    CHECK(!in.healthy && !in.blocking && in.instances == 1 && in.healthy_instances == 0);
    CHECK(strcmp(in.reason, "no instance of payments is HEALTHY") == 0);
    CHECK_ERR(wkd_dependencies_at(&in, kept, 2, &e_), WKD_E_INVAL, "index 2");
    {
      /* Older and newer wkd_dependency_info. */
      wkd_dependency_info small;
      struct {
        wkd_dependency_info in;
        unsigned char later[16];
      } big;
      memset(&small, 0xab, sizeof small);
      small.struct_size = (uint32_t)offsetof(wkd_dependency_info, type);
      CHECK_OK(wkd_dependencies_at(&small, kept, 0, &e_));
      CHECK(strcmp(small.depends_on, "billing") == 0 && (unsigned)small.type == 0xababababu);
      memset(&big, 0xcd, sizeof big);
      big.in.struct_size = (uint32_t)sizeof big;
      CHECK_OK(wkd_dependencies_at(&big.in, kept, 0, &e_));
      CHECK(big.in.struct_size == sizeof big && big.in.healthy && big.later[0] == 0xcd && big.later[15] == 0xcd);
    }
  }
  /* Dependents, on b. */
  {
    wkd_dependencies_t* deps = NULL;
    wkd_dependency_info in = WKD_DEPENDENCY_INFO_INIT;
    CHECK_OK(wkd_node_dependents(&deps, b, "billing", &e_));
    CHECK(wkd_dependencies_count(deps) == 1);
    CHECK_OK(wkd_dependencies_at(&in, deps, 0, &e_));
    CHECK(strcmp(in.service_name, "orders") == 0 && in.healthy);
    wkd_dependencies_free(deps);
    CHECK_OK(wkd_node_dependents(&deps, b, "ledger", &e_));
    CHECK(wkd_dependencies_count(deps) == 1);
    CHECK_OK(wkd_dependencies_at(&in, deps, 0, &e_));
    CHECK(strcmp(in.service_name, "payments") == 0 && strcmp(in.max_version, "1.9.9") == 0 && in.blocking &&
          strcmp(in.owner, "agg-b") == 0 && strcmp(in.reason, "no instance of ledger is registered") == 0);
    wkd_dependencies_free(deps);
    CHECK_OK(wkd_node_dependents(&deps, b, "nosuch", &e_));
    CHECK(wkd_dependencies_count(deps) == 0);
    wkd_dependencies_free(deps);
  }
  /* Dependency health and aggregated health, on a. */
  {
    wkd_dependency_health dh = WKD_DEPENDENCY_HEALTH_INIT;
    wkd_service_health h = WKD_SERVICE_HEALTH_INIT;
    CHECK_OK(wkd_node_dependency_health(&dh, a, "orders", &e_));
    CHECK(dh.healthy && dh.dependencies == 2 && dh.healthy_dependencies == 1 && dh.blocking_dependencies == 0 &&
          dh.version > 0);
    CHECK_OK(wkd_node_dependency_health(&dh, a, "payments", &e_));
    CHECK(!dh.healthy && dh.dependencies == 1 && dh.blocking_dependencies == 1);
    CHECK_OK(wkd_node_dependency_health(&dh, a, "billing", &e_));
    CHECK(dh.healthy && dh.dependencies == 0);
    /* orders: up by its instances, an optional dependency unhealthy. */
    CHECK_OK(wkd_node_service_health(&h, a, "orders", &e_));
    CHECK(h.status == WKD_AGGREGATE_DEGRADED && h.instances_status == WKD_AGGREGATE_UP && h.total_instances == 2 &&
          h.healthy_instances == 1 && h.unhealthy_instances == 1 && h.dependencies == 2 &&
          h.healthy_dependencies == 1 && h.blocking_dependencies == 0);
    CHECK_OK(wkd_node_service_health(&h, a, "payments", &e_));
    CHECK(h.status == WKD_AGGREGATE_DOWN && h.instances_status == WKD_AGGREGATE_DOWN && h.blocking_dependencies == 1);
    CHECK_OK(wkd_node_service_health(&h, a, "billing", &e_));
    CHECK(h.status == WKD_AGGREGATE_UP && h.dependencies == 0);
    /* Only depended on, or never heard of: not found. */
    CHECK_ERR(wkd_node_service_health(&h, a, "ledger", &e_), WKD_E_NOTFOUND, "service ledger has neither");
    CHECK_ERR(wkd_node_service_health(&h, a, "audit", &e_), WKD_E_NOTFOUND, NULL);
  }
  /* The platform: billing UP, orders DEGRADED, payments DOWN. */
  {
    wkd_platform_health p = WKD_PLATFORM_HEALTH_INIT;
    CHECK_OK(wkd_node_platform_health(&p, b, &e_));
    CHECK(p.status == WKD_AGGREGATE_DEGRADED && p.services == 3 && p.services_up == 1 && p.services_degraded == 1 &&
          p.services_down == 1 && p.dependencies == 3 && p.unhealthy_dependencies == 2 &&
          p.blocking_dependencies == 1 && p.version > 0);
  }
  /* The graph, on a. */
  {
    wkd_dependency_graph_t* g = NULL;
    wkd_dependency_edge e = WKD_DEPENDENCY_EDGE_INIT;
    CHECK_OK(wkd_node_dependency_graph(&g, a, &e_));
    CHECK(wkd_dependency_graph_version(g) > 0);
    CHECK(wkd_dependency_graph_service_count(g) == 4);
    CHECK(wkd_dependency_graph_service_at(g, 0) && strcmp(wkd_dependency_graph_service_at(g, 0), "billing") == 0);
    CHECK(wkd_dependency_graph_service_at(g, 1) && strcmp(wkd_dependency_graph_service_at(g, 1), "ledger") == 0);
    CHECK(wkd_dependency_graph_service_at(g, 2) && strcmp(wkd_dependency_graph_service_at(g, 2), "orders") == 0);
    CHECK(wkd_dependency_graph_service_at(g, 3) && strcmp(wkd_dependency_graph_service_at(g, 3), "payments") == 0);
    CHECK(wkd_dependency_graph_service_at(g, 4) == NULL);
    CHECK(wkd_dependency_graph_edge_count(g) == 3);
    CHECK_OK(wkd_dependency_graph_edge_at(&e, g, 0, &e_));
    CHECK(e.from == 2 && e.to == 0 && strcmp(e.service_name, "orders") == 0 && strcmp(e.depends_on, "billing") == 0 &&
          e.type == WKD_DEPENDENCY_RUNTIME && e.required && e.healthy);
    CHECK_OK(wkd_dependency_graph_edge_at(&e, g, 1, &e_));
    CHECK(e.from == 2 && e.to == 3 && e.type == WKD_DEPENDENCY_OPTIONAL && !e.required && !e.healthy);
    CHECK_OK(wkd_dependency_graph_edge_at(&e, g, 2, &e_));
    CHECK(e.from == 3 && e.to == 1 && strcmp(e.depends_on, "ledger") == 0 && e.required && !e.healthy);
    CHECK_ERR(wkd_dependency_graph_edge_at(&e, g, 3, &e_), WKD_E_INVAL, "index 3");
    wkd_dependency_graph_free(g);
  }

  /* A duplicate: other terms are refused on either node, naming the holder. */
  {
    wkd_dependency d = WKD_DEPENDENCY_INIT;
    wkd_dependencies_t* deps = NULL;
    wkd_dependency_info in = WKD_DEPENDENCY_INFO_INIT;
    d.service_name = "orders";
    d.depends_on = "billing";
    d.min_version = "3.0.0";
    CHECK_ERR(wkd_node_declare_dependency(b, &d, &e_), WKD_E_EXISTS,
              "dependency orders -> billing is declared already (by node agg-a)");
    CHECK_ERR(wkd_node_declare_dependency(a, &d, &e_), WKD_E_EXISTS, "dependency orders -> billing");
    d.min_version = "2.0.0";
    d.required = false;
    CHECK_ERR(wkd_node_declare_dependency(a, &d, &e_), WKD_E_EXISTS, NULL);
    /* The same terms again: a no-op that keeps the record. */
    d.required = true;
    d.health_check_endpoint = "/ready";
    CHECK_OK(wkd_node_declare_dependency(a, &d, &e_));
    CHECK_OK(wkd_node_dependencies(&deps, a, "orders", &e_));
    CHECK_OK(wkd_dependencies_at(&in, deps, 0, &e_));
    CHECK(strcmp(in.min_version, "2.0.0") == 0 && in.required && strcmp(in.owner, "agg-a") == 0);
    wkd_dependencies_free(deps);
    /* Only its owner removes it. */
    CHECK_ERR(wkd_node_remove_dependency(b, "orders", "billing", &e_), WKD_E_STATE,
              "dependency orders -> billing is owned by node agg-a");
    CHECK_ERR(wkd_node_remove_dependency(a, "orders", "nope", &e_), WKD_E_NOTFOUND, NULL);
  }

  /* payments passes and ledger appears: every service UP, on both nodes. */
  register_instance(b, "ledger", "l-1", "1.2.0");
  CHECK_OK(wkd_service_ttl_update(b, "ledger", "l-1", WKD_CHECK_PASSING, NULL, &e_));
  CHECK_OK(wkd_service_ttl_update(b, "payments", "p-1", WKD_CHECK_PASSING, NULL, &e_));
  CHECK(wait_platform(a, WKD_AGGREGATE_UP, 10));
  CHECK(wait_platform(b, WKD_AGGREGATE_UP, 10));
  {
    wkd_platform_health p = WKD_PLATFORM_HEALTH_INIT;
    wkd_service_health h = WKD_SERVICE_HEALTH_INIT;
    CHECK_OK(wkd_node_platform_health(&p, a, &e_));
    CHECK(p.services == 4 && p.services_up == 4 && p.unhealthy_dependencies == 0 && p.blocking_dependencies == 0);
    CHECK_OK(wkd_node_service_health(&h, a, "orders", &e_));
    CHECK(h.status == WKD_AGGREGATE_UP && h.healthy_dependencies == 2);
  }
  /* Every orders instance fails: DOWN though its dependencies are healthy. */
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-1", WKD_CHECK_CRITICAL, NULL, &e_));
  CHECK(wait_summary(b, "orders", 2, 0, 10));
  {
    wkd_service_health h = WKD_SERVICE_HEALTH_INIT;
    wkd_platform_health p = WKD_PLATFORM_HEALTH_INIT;
    CHECK_OK(wkd_node_service_health(&h, b, "orders", &e_));
    CHECK(h.status == WKD_AGGREGATE_DOWN && h.blocking_dependencies == 0 && h.healthy_dependencies == 2);
    CHECK_OK(wkd_node_platform_health(&p, b, &e_));
    CHECK(p.status == WKD_AGGREGATE_DEGRADED && p.services_down == 1 && p.services_up == 3);
  }

  /* Removal reaches b; the snapshot taken before still reads what it held. */
  CHECK_OK(wkd_node_remove_dependency(a, "orders", "payments", &e_));
  CHECK_OK(wkd_node_remove_dependency(a, "orders", "payments", &e_)); /* already removed: nothing changes */
  CHECK(wait_dependencies(b, "orders", 1, 10));
  {
    wkd_dependency_info in = WKD_DEPENDENCY_INFO_INIT;
    CHECK(wkd_dependencies_count(kept) == 2);
    CHECK_OK(wkd_dependencies_at(&in, kept, 1, &e_));
    CHECK(strcmp(in.depends_on, "payments") == 0 && strcmp(in.owner, "agg-a") == 0 &&
          strcmp(in.reason, "no instance of payments is HEALTHY") == 0);
  }
  wkd_dependencies_free(kept);

  wkd_node_free(idle);
  wkd_node_close(b);
  /* A closed node answers nothing. */
  {
    wkd_platform_health p = WKD_PLATFORM_HEALTH_INIT;
    wkd_service_summary s = WKD_SERVICE_SUMMARY_INIT;
    wkd_dependencies_t* deps = NULL;
    wkd_dependency_graph_t* g = NULL;
    wkd_dependency d = WKD_DEPENDENCY_INIT;
    d.service_name = "orders";
    d.depends_on = "ledger";
    CHECK_ERR(wkd_node_platform_health(&p, b, &e_), WKD_E_CLOSED, NULL);
    CHECK_ERR(wkd_node_service_summary(&s, b, "orders", &e_), WKD_E_CLOSED, NULL);
    CHECK_ERR(wkd_node_dependencies(&deps, b, NULL, &e_), WKD_E_CLOSED, NULL);
    CHECK_ERR(wkd_node_dependency_graph(&g, b, &e_), WKD_E_CLOSED, NULL);
    CHECK(deps == NULL && g == NULL);
    CHECK_ERR(wkd_node_declare_dependency(b, &d, &e_), WKD_E_CLOSED, NULL);
    CHECK_ERR(wkd_node_remove_dependency(b, "payments", "ledger", &e_), WKD_E_CLOSED, NULL);
  }
  wkd_node_free(b);
  wkd_node_close(a);
  wkd_node_free(a);
  if (failures == 0) printf("aggregate_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
