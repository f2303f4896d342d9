/*
 * The service registry through the C API only (wkd/service.h and
 * wkd/instance.h), on real nodes on loopback (127.0.5.x, port 0): every
 * call and every status code it documents (NULL arguments, fields refused
 * by name, not started, closed, not owner, not found), a second node that
 * sees a registration, a TTL flip, a drain, an update and a deregistration
 * through the discovery calls, filters, counts, a failed owner's instance
 * forced out, and snapshots read after the registry has moved on (run
 * under ASan by the sanitize stage). Every wait has a deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"
#include "registry_calls.h"

/* The ids of the instances `filter` selects on `node`, space-separated. */
static void select_ids(char* buf, size_t size, wkd_node_t* node, const char* service, const wkd_instance_filter* f) {
  wkd_instances_t* snap = NULL;
  size_t i, used = 0;
  buf[0] = '\0';
  if (wkd_node_instances(&snap, node, service, f, NULL) != WKD_OK) {
    snprintf(buf, size, "(error)");
    return;
  }
  for (i = 0; i < wkd_instances_count(snap); i++) {
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    if (wkd_instances_at(&in, snap, i, NULL) != WKD_OK) continue;
    used += (size_t)snprintf(buf + used, size - used, "%s%s", used > 0 ? " " : "", in.instance_id);
    if (used >= size) break;
  }
  wkd_instances_free(snap);
}

#define CHECK_IDS(node, service, filter, want)                                                              \
  do {                                                                                                      \
    char ids_[256];                                                                                         \
    select_ids(ids_, sizeof ids_, (node), (service), (filter));                                             \
    if (strcmp(ids_, (want)) != 0) {                                                                        \
      fprintf(stderr, "%s:%d: selected '%s', want '%s'\n", __FILE__, __LINE__, ids_, (want));              \
      failures++;                                                                                           \
    }                                                                                                       \
  } while (0)

static const char* const kTags1[] = {"primary", "ssd"};
static const wkd_kv kMeta1[] = {{"shard", "3"}, {"team", "core"}};

static wkd_service orders1(void) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = "orders";
  s.instance_id = "o-1";
  s.host = "192.0.2.5";
  s.port = 8080;
  s.protocol = "grpc";
  s.version = "1.4.2";
  s.tags = kTags1;
  s.n_tags = 2;
  s.metadata = kMeta1;
  s.n_metadata = 2;
  s.region = "eu";
  s.zone = "eu-1a";
  s.health_check_url = "http://192.0.2.5:8080/health";
  s.metrics_url = "http://192.0.2.5:9090/metrics";
  s.ttl_ms = 60000;
  return s;
}

/* Arguments refused before any node is involved, and the FFI initialiser. */
static void check_arguments(wkd_node_t* a) {
  wkd_service s = orders1();
  wkd_service init;
  wkd_instances_t* snap = (wkd_instances_t*)&init; /* must be reset to NULL */
  wkd_service_names_t* names = NULL;
  wkd_instance_counts counts = WKD_INSTANCE_COUNTS_INIT;
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;

  CHECK_ERR(wkd_service_register(NULL, &s, &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_service_register(a, NULL, &e_), WKD_E_INVAL, "svc");
  CHECK_ERR(wkd_service_deregister(NULL, "orders", "o-1", &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_service_deregister(a, NULL, "o-1", &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_service_drain(a, "orders", NULL, &e_), WKD_E_INVAL, "instance_id");
  CHECK_ERR(wkd_service_ttl_update(a, NULL, "o-1", WKD_CHECK_PASSING, NULL, &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_service_ttl_update(a, "orders", "o-1", (wkd_check_state)7, NULL, &e_), WKD_E_INVAL, "state");
  CHECK_ERR(wkd_service_force_deregister(a, "orders", NULL, &e_), WKD_E_INVAL, "instance_id");
  CHECK_ERR(wkd_node_instances(NULL, a, NULL, NULL, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_instances(&snap, NULL, NULL, NULL, &e_), WKD_E_INVAL, "node");
  CHECK(snap == NULL);
  CHECK_ERR(wkd_node_instance(&snap, a, NULL, "o-1", &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_instance(&snap, a, "orders", NULL, &e_), WKD_E_INVAL, "instance_id");
  CHECK_ERR(wkd_node_service_names(NULL, a, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_service_names(&names, NULL, &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_instance_counts(NULL, a, NULL, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_instance_counts(&counts, NULL, NULL, &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_instances_at(&in, NULL, 0, &e_), WKD_E_INVAL, "instances");
  CHECK_ERR(wkd_instances_at(NULL, NULL, 0, &e_), WKD_E_INVAL, "out");
  CHECK(wkd_instances_count(NULL) == 0 && wkd_instances_version(NULL) == 0);
  CHECK(wkd_service_names_count(NULL) == 0 && wkd_service_names_at(NULL, 0) == NULL &&
        wkd_service_names_version(NULL) == 0);
  wkd_instances_free(NULL);
  wkd_service_names_free(NULL);

  memset(&init, 0xff, sizeof init);
  wkd_service_init(&init, sizeof init);
  CHECK(init.struct_size == sizeof init && init.weight == 100 && init.service_name == NULL && init.ttl_ms == 0 &&
        init.port == 0);
  wkd_service_init(NULL, sizeof init);

  CHECK(strcmp(wkd_instance_status_name(WKD_INSTANCE_HEALTHY), "HEALTHY") == 0);
  CHECK(strcmp(wkd_check_state_name(WKD_CHECK_CRITICAL), "critical") == 0);
}

/* Each field the registry refuses, named as wkd_service spells it. */
static void check_refusals(wkd_node_t* a) {
  static const char* const null_tag[] = {"a", NULL};
  static const wkd_kv dup_meta[] = {{"k", "1"}, {"k", "2"}};
  static const wkd_kv null_value[] = {{"k", NULL}};
  const char* many[65];
  size_t i;
  wkd_service s;
  wkd_error err = WKD_ERROR_INIT;

#define REFUSED(assign, want, prefix)                                       \
  do {                                                                     \
    s = orders1();                                                         \
    assign;                                                                \
    CHECK_ERR(wkd_service_register(a, &s, &e_), (want), (prefix));         \
  } while (0)
  REFUSED(s.service_name = NULL, WKD_E_INVAL, "service_name:");
  REFUSED(s.service_name = "Orders_Bad", WKD_E_INVAL, "service_name:");
  REFUSED(s.service_name = "status", WKD_E_INVAL, "service_name:");
  REFUSED(s.instance_id = "", WKD_E_INVAL, "instance_id:");
  REFUSED(s.instance_id = "a/b", WKD_E_INVAL, "instance_id:");
  REFUSED(s.host = "bad host", WKD_E_INVAL, "host:");
  REFUSED(s.port = 0, WKD_E_INVAL, "port:");
  REFUSED(s.protocol = "HTTP", WKD_E_INVAL, "protocol:");
  REFUSED(s.version = "1.2", WKD_E_INVAL, "version:");
  REFUSED((s.tags = null_tag, s.n_tags = 2), WKD_E_INVAL, "tags[1]: NULL");
  REFUSED((s.tags = NULL, s.n_tags = 1), WKD_E_INVAL, "tags:");
  REFUSED((s.metadata = dup_meta, s.n_metadata = 2), WKD_E_INVAL, "metadata[1].key:");
  REFUSED((s.metadata = null_value, s.n_metadata = 1), WKD_E_INVAL, "metadata[0].value: NULL");
  REFUSED(s.weight = 10001, WKD_E_INVAL, "weight:");
  REFUSED(s.region = "eu west", WKD_E_INVAL, "region:");
  REFUSED(s.zone = "-a", WKD_E_INVAL, "zone:");
  REFUSED(s.health_check_url = "ftp://x/health", WKD_E_INVAL, "health_check_url:");
  REFUSED(s.metrics_url = "http://", WKD_E_INVAL, "metrics_url:");
  REFUSED(s.ttl_ms = -1, WKD_E_INVAL, "ttl_ms:");
  /* 65 tags that are only two distinct ones are fine ... */
  for (i = 0; i < 65; i++) many[i] = (i % 2) ? "odd" : "even";
  s = orders1();
  s.service_name = "dup";
  s.tags = many;
  s.n_tags = 65;
  CHECK_OK(wkd_service_register(a, &s, &e_));
  CHECK_OK(wkd_service_deregister(a, "dup", "o-1", &e_));
  {
    /* ... 65 distinct ones are over the limit. */
    static char names[65][8];
    for (i = 0; i < 65; i++) {
      snprintf(names[i], sizeof names[i], "t%u", (unsigned)i);
      many[i] = names[i];
    }
    REFUSED((s.tags = many, s.n_tags = 65), WKD_E_TOOBIG, "tags:");
  }
#undef REFUSED
  /* The error struct's message names the field; a NULL err is fine. */
  s = orders1();
  s.port = 0;
  CHECK(wkd_service_register(a, &s, NULL) == WKD_E_INVAL);
  CHECK(wkd_service_register(a, &s, &err) == WKD_E_INVAL && strstr(err.message, "65535") != NULL);
  /* A struct_size too small to be a wkd_service. */
  s = orders1();
  s.struct_size = 2;
  CHECK_ERR(wkd_service_register(a, &s, &e_), WKD_E_INVAL, "svc");
}

int main(void) {
  wkd_node_t* a;
  wkd_node_t* b;
  wkd_node_t* c;
  wkd_node_t* idle;
  char seed[64];
  int joined = 0;
  wkd_instances_t* kept = NULL;
  wkd_instance_info kept_info = WKD_INSTANCE_INFO_INIT;

  a = make_fast_node("svc-a", "127.0.5.1:0", FAST_NODE_START, 0);
  b = make_fast_node("svc-b", "127.0.5.2:0", FAST_NODE_START, 0);
  c = make_fast_node("svc-c", "127.0.5.3:0", FAST_NODE_START, 0);
  idle = make_fast_node("svc-idle", "127.0.5.4:0", FAST_NODE_IDLE, 0);
  if (a == NULL || b == NULL || c == NULL || idle == NULL) {
    fprintf(stderr, "could not create the nodes\n");
    return 1;
  }

  check_arguments(a);
  check_refusals(a);

  /* A node that is not started registers nothing, but reads an empty registry. */
  {
    wkd_service s = orders1();
    wkd_instance_counts n = WKD_INSTANCE_COUNTS_INIT;
    CHECK_ERR(wkd_service_register(idle, &s, &e_), WKD_E_STATE, NULL);
    CHECK_ERR(wkd_service_deregister(idle, "orders", "o-1", &e_), WKD_E_STATE, NULL);
    CHECK_OK(wkd_node_instance_counts(&n, idle, NULL, &e_));
    CHECK(n.total == 0);
  }

  /* Registrations on a; a reads its own. */
  {
    static const char* const tags2[] = {"primary"};
    static const wkd_kv meta2[] = {{"shard", "4"}};
    wkd_service s = orders1();
    CHECK_OK(wkd_service_register(a, &s, &e_));
    s.instance_id = "o-2";
    s.zone = "eu-1b";
    s.version = "2.0.0";
    s.tags = tags2;
    s.n_tags = 1;
    s.metadata = meta2;
    s.n_metadata = 1;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    s = orders1();
    s.service_name = "billing";
    s.instance_id = "b-1";
    s.ttl_ms = 0;
    s.protocol = NULL;
    s.version = NULL;
    s.region = NULL;
    s.zone = NULL;
    s.tags = NULL;
    s.n_tags = 0;
    s.metadata = NULL;
    s.n_metadata = 0;
    s.health_check_url = NULL;
    s.metrics_url = NULL;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK(wait_instance(a, "billing", "b-1", WKD_INSTANCE_STARTING, -1, 5));
  }
  {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    CHECK(wait_instance(a, "orders", "o-1", WKD_INSTANCE_STARTING, WKD_CHECK_CRITICAL, 5));
    CHECK_OK(wkd_node_instance(&snap, a, "orders", "o-1", &e_));
    CHECK(wkd_instances_count(snap) == 1 && wkd_instances_version(snap) > 0);
    CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
    CHECK(strcmp(in.service_name, "orders") == 0 && strcmp(in.instance_id, "o-1") == 0);
    CHECK(strcmp(in.host, "192.0.2.5") == 0 && in.port == 8080 && strcmp(in.protocol, "grpc") == 0);
    CHECK(strcmp(in.version, "1.4.2") == 0 && in.weight == 100);
    CHECK(in.n_tags == 2 && strcmp(in.tags[0], "primary") == 0 && strcmp(in.tags[1], "ssd") == 0);
    CHECK(in.n_metadata == 2 && strcmp(in.metadata[0].key, "shard") == 0 && strcmp(in.metadata[0].value, "3") == 0 &&
          strcmp(in.metadata[1].key, "team") == 0 && strcmp(in.metadata[1].value, "core") == 0);
    CHECK(strcmp(in.region, "eu") == 0 && strcmp(in.zone, "eu-1a") == 0);
    CHECK(strcmp(in.health_check_url, "http://192.0.2.5:8080/health") == 0);
    CHECK(strcmp(in.metrics_url, "http://192.0.2.5:9090/metrics") == 0);
    CHECK(in.status == WKD_INSTANCE_STARTING && in.check_state == WKD_CHECK_CRITICAL);
    CHECK(in.last_check_unix_ms == 0 && in.consecutive_failures == 0);
    CHECK(strlen(in.uuid) == 36 && in.uuid[8] == '-' && in.uuid[14] == '4');
    CHECK(in.registered_unix_ms > 1600000000000LL && in.updated_unix_ms >= in.registered_unix_ms);
    CHECK(in.deregistered_unix_ms == 0);
    CHECK(strcmp(in.owner, "svc-a") == 0 && in.owner_known && in.owner_state == WKD_MEMBER_ALIVE);
    CHECK(strcmp(in.previous_owner, "") == 0);
    /* Out of range. */
    CHECK_ERR(wkd_instances_at(&in, snap, 1, &e_), WKD_E_INVAL, "index 1");
    /* An older, shorter wkd_instance_info is written no further than its size. */
    {
      wkd_instance_info small;
      memset(&small, 0xab, sizeof small);
      small.struct_size = (uint32_t)offsetof(wkd_instance_info, port);
      CHECK_OK(wkd_instances_at(&small, snap, 0, &e_));
      CHECK(small.struct_size == offsetof(wkd_instance_info, port) && strcmp(small.host, "192.0.2.5") == 0);
      CHECK(small.port == 0xabab);
    }
    wkd_instances_free(snap);
    /* The other one, read from a registration without its optional fields. */
    CHECK_OK(wkd_node_instance(&snap, a, "billing", "b-1", &e_));
    CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
    CHECK(strcmp(in.protocol, "http") == 0 && strcmp(in.version, "") == 0 && in.n_tags == 0 && in.n_metadata == 0 &&
          strcmp(in.zone, "") == 0 && strcmp(in.metrics_url, "") == 0);
    wkd_instances_free(snap);
    snap = (wkd_instances_t*)&in;
    CHECK_ERR(wkd_node_instance(&snap, a, "orders", "nope", &e_), WKD_E_NOTFOUND, "no instance orders/nope");
    CHECK(snap == NULL);
  }
  /* An older, shorter wkd_service: the fields past its size take their defaults. */
  {
    wkd_service s = orders1();
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    s.service_name = "legacy";
    s.instance_id = "l-1";
    s.weight = 7;
    s.ttl_ms = -5; /* past struct_size: not read */
    s.struct_size = (uint32_t)offsetof(wkd_service, weight);
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK(wait_instance(a, "legacy", "l-1", -1, -1, 5));
    CHECK_OK(wkd_node_instance(&snap, a, "legacy", "l-1", &e_));
    CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
    CHECK(in.weight == 100 && strcmp(in.region, "") == 0 && strcmp(in.metrics_url, "") == 0);
    wkd_instances_free(snap);
    /* It has no TTL. */
    CHECK_ERR(wkd_service_ttl_update(a, "legacy", "l-1", WKD_CHECK_PASSING, NULL, &e_), WKD_E_STATE, NULL);
    CHECK_OK(wkd_service_deregister(a, "legacy", "l-1", &e_));
  }

  /* b and c join; b sees a's registrations. */
  CHECK_OK(wkd_node_local_addr(seed, sizeof seed, NULL, a, &e_));
  {
    const char* seeds[1];
    seeds[0] = seed;
    CHECK_OK(wkd_node_join(&joined, b, seeds, 1, 5000, &e_));
    CHECK_OK(wkd_node_join(&joined, c, seeds, 1, 5000, &e_));
  }
  CHECK(wait_instance(b, "orders", "o-1", WKD_INSTANCE_STARTING, -1, 10));
  CHECK(wait_instance(b, "orders", "o-2", WKD_INSTANCE_STARTING, -1, 10));
  CHECK(wait_instance(b, "billing", "b-1", WKD_INSTANCE_STARTING, -1, 10));
  CHECK(wait_instance(b, "legacy", "l-1", WKD_INSTANCE_DEREGISTERED, -1, 10));
  {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    CHECK_OK(wkd_node_instance(&snap, b, "orders", "o-1", &e_));
    CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
    CHECK(strcmp(in.owner, "svc-a") == 0 && in.owner_known && strcmp(in.zone, "eu-1a") == 0 && in.n_metadata == 2);
    wkd_instances_free(snap);
  }

  /* A snapshot kept across every change below, read at the end. */
  CHECK_OK(wkd_node_instances(&kept, b, "orders", NULL, &e_));
  CHECK(wkd_instances_count(kept) == 2);

  /* The TTL flips the status; b sees each report. */
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-1", WKD_CHECK_PASSING, "warmed up", &e_));
  CHECK(wait_instance(b, "orders", "o-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_PASSING, 10));
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-2", WKD_CHECK_PASSING, NULL, &e_));
  CHECK(wait_instance(b, "orders", "o-2", WKD_INSTANCE_HEALTHY, WKD_CHECK_PASSING, 10));
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-1", WKD_CHECK_WARNING, "slow disk", &e_));
  CHECK(wait_instance(b, "orders", "o-1", WKD_INSTANCE_HEALTHY, WKD_CHECK_WARNING, 10));
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-2", WKD_CHECK_CRITICAL, "disk full", &e_));
  CHECK(wait_instance(b, "orders", "o-2", WKD_INSTANCE_UNHEALTHY, WKD_CHECK_CRITICAL, 10));
  {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    CHECK_OK(wkd_node_instance(&snap, b, "orders", "o-2", &e_));
    CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
    CHECK(in.consecutive_failures == 1 && in.last_check_unix_ms >= in.registered_unix_ms);
    wkd_instances_free(snap);
  }

  /* Discovery on b: names, filters, counts. */
  {
    wkd_service_names_t* names = NULL;
    CHECK_OK(wkd_node_service_names(&names, b, &e_));
    CHECK(wkd_service_names_count(names) == 2); /* legacy has only a tombstone */
    CHECK(wkd_service_names_at(names, 0) != NULL && strcmp(wkd_service_names_at(names, 0), "billing") == 0);
    CHECK(wkd_service_names_at(names, 1) != NULL && strcmp(wkd_service_names_at(names, 1), "orders") == 0);
    CHECK(wkd_service_names_at(names, 2) == NULL);
    CHECK(wkd_service_names_version(names) > 0);
    wkd_service_names_free(names);
  }
  {
    static const char* const primary_ssd[] = {"primary", "ssd"};
    static const char* const primary[] = {"primary"};
    static const char* const null_tag[] = {NULL};
    static const wkd_kv shard4[] = {{"shard", "4"}};
    static const wkd_kv shard_both[] = {{"shard", "3"}, {"shard", "4"}};
    wkd_instance_filter f = WKD_INSTANCE_FILTER_INIT;
    wkd_instances_t* snap = NULL;
    CHECK_IDS(b, "orders", NULL, "o-1 o-2");
    CHECK_IDS(b, NULL, NULL, "b-1 o-1 o-2");
    CHECK_IDS(b, "", NULL, "b-1 o-1 o-2");
    CHECK_IDS(b, "nosuch", NULL, "");
    f.healthy_only = true;
    CHECK_IDS(b, "orders", &f, "o-1");
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.tags = primary;
    f.n_tags = 1;
    CHECK_IDS(b, "orders", &f, "o-1 o-2");
    f.tags = primary_ssd;
    f.n_tags = 2;
    CHECK_IDS(b, "orders", &f, "o-1");
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.metadata = shard4;
    f.n_metadata = 1;
    CHECK_IDS(b, "orders", &f, "o-2");
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.zone = "eu-1a";
    CHECK_IDS(b, "orders", &f, "o-1");
    f.zone = NULL;
    f.region = "eu";
    CHECK_IDS(b, NULL, &f, "o-1 o-2"); /* billing gave no region */
    f.region = "us";
    CHECK_IDS(b, NULL, &f, "");
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.version_range = "^1.2";
    CHECK_IDS(b, "orders", &f, "o-1");
    f.version_range = ">=2.0.0 <3 || 0.x";
    CHECK_IDS(b, NULL, &f, "o-2"); /* b-1 has no version: never in a range */
    f.version_range = "*";
    CHECK_IDS(b, "orders", &f, "o-1 o-2");
    f.include_deregistered = true;
    f.version_range = NULL;
    CHECK_IDS(b, "legacy", &f, "l-1");
    /* Refusals name the filter's field. */
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.version_range = ">=1.2.x.y";
    CHECK_ERR(wkd_node_instances(&snap, b, "orders", &f, &e_), WKD_E_INVAL, "filter.version_range:");
    CHECK(snap == NULL);
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.tags = null_tag;
    f.n_tags = 1;
    CHECK_ERR(wkd_node_instances(&snap, b, "orders", &f, &e_), WKD_E_INVAL, "filter.tags[0]: NULL");
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.metadata = shard_both;
    f.n_metadata = 2;
    CHECK_ERR(wkd_node_instances(&snap, b, "orders", &f, &e_), WKD_E_INVAL, "filter.metadata[1].key:");
    f = (wkd_instance_filter)WKD_INSTANCE_FILTER_INIT;
    f.struct_size = 1;
    CHECK_ERR(wkd_node_instances(&snap, b, "orders", &f, &e_), WKD_E_INVAL, "filter");
  }
  {
    wkd_instance_counts n = WKD_INSTANCE_COUNTS_INIT;
    CHECK_OK(wkd_node_instance_counts(&n, b, "orders", &e_));
    CHECK(n.healthy == 1 && n.unhealthy == 1 && n.starting == 0 && n.total == 2 && n.version > 0);
    CHECK_OK(wkd_node_instance_counts(&n, b, NULL, &e_));
    /* Tombstones: legacy/l-1 and dup/o-1. */
    CHECK(n.healthy == 1 && n.unhealthy == 1 && n.starting == 1 && n.deregistered == 2 && n.total == 3);
    CHECK_OK(wkd_node_instance_counts(&n, b, "nosuch", &e_));
    CHECK(n.total == 0 && n.deregistered == 0);
    n.struct_size = 2;
    CHECK_ERR(wkd_node_instance_counts(&n, b, NULL, &e_), WKD_E_INVAL, "out");
  }

  /* Only the owner changes an instance: b is refused, naming the owner. */
  CHECK_ERR(wkd_service_deregister(b, "orders", "o-1", &e_), WKD_E_STATE, "instance orders/o-1 is owned by node svc-a");
  CHECK_ERR(wkd_service_drain(b, "orders", "o-1", &e_), WKD_E_STATE, "instance orders/o-1 is owned by node svc-a");
  CHECK_ERR(wkd_service_ttl_update(b, "orders", "o-1", WKD_CHECK_PASSING, NULL, &e_), WKD_E_STATE,
            "instance orders/o-1 is owned by node svc-a");
  /* Force-deregistering needs a gone owner, and never one's own instance. */
  CHECK_ERR(wkd_service_force_deregister(b, "orders", "o-1", &e_), WKD_E_STATE, NULL);
  CHECK_ERR(wkd_service_force_deregister(a, "orders", "o-1", &e_), WKD_E_STATE, NULL);
  /* Not found. */
  CHECK_ERR(wkd_service_deregister(a, "orders", "nope", &e_), WKD_E_NOTFOUND, NULL);
  CHECK_ERR(wkd_service_drain(a, "orders", "nope", &e_), WKD_E_NOTFOUND, NULL);
  CHECK_ERR(wkd_service_ttl_update(a, "orders", "nope", WKD_CHECK_WARNING, NULL, &e_), WKD_E_NOTFOUND, NULL);
  CHECK_ERR(wkd_service_force_deregister(b, "orders", "nope", &e_), WKD_E_NOTFOUND, NULL);
  CHECK_OK(wkd_service_deregister(a, "legacy", "l-1", &e_)); /* already deregistered: nothing changes */

  /* An update (upsert) keeps the record; a drain and a deregistration reach b. */
  {
    wkd_service s = orders1();
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    char uuid[40];
    CHECK_OK(wkd_node_instance(&snap, b, "orders", "o-1", &e_));
    CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
    snprintf(uuid, sizeof uuid, "%s", in.uuid);
    wkd_instances_free(snap);
    s.port = 8443;
    s.weight = 250;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    {
      double end = now_s() + 10;
      int seen = 0;
      while (!seen && now_s() < end) {
        snap = NULL;
        if (wkd_node_instance(&snap, b, "orders", "o-1", NULL) == WKD_OK && wkd_instances_at(&in, snap, 0, NULL) == WKD_OK)
          seen = in.port == 8443 && in.weight == 250 && strcmp(in.uuid, uuid) == 0 &&
                 in.status == WKD_INSTANCE_HEALTHY;
        wkd_instances_free(snap);
        if (!seen) sleep_ms(20);
      }
      CHECK(seen);
    }
  }
  CHECK_OK(wkd_service_drain(a, "orders", "o-1", &e_));
  CHECK(wait_instance(b, "orders", "o-1", WKD_INSTANCE_DRAINING, -1, 10));
  CHECK_OK(wkd_service_drain(a, "orders", "o-1", &e_)); /* again: nothing changes */
  /* A drained instance keeps its status whatever its TTL reports. */
  CHECK_OK(wkd_service_ttl_update(a, "orders", "o-1", WKD_CHECK_PASSING, NULL, &e_));
  CHECK_OK(wkd_service_deregister(a, "orders", "o-2", &e_));
  CHECK(wait_instance(b, "orders", "o-2", WKD_INSTANCE_DEREGISTERED, -1, 10));
  CHECK(wait_instance(b, "orders", "o-1", WKD_INSTANCE_DRAINING, -1, 1));
  {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    CHECK_OK(wkd_node_instance(&snap, b, "orders", "o-2", &e_));
    CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
    CHECK(in.deregistered_unix_ms >= in.registered_unix_ms && in.deregistered_unix_ms > 0);
    wkd_instances_free(snap);
    CHECK_IDS(b, "orders", NULL, "o-1");
  }

  /* c's instance, forced out on b once c has failed. */
  {
    wkd_service s = orders1();
    s.service_name = "cache";
    s.instance_id = "c-1";
    s.ttl_ms = 0;
    CHECK_OK(wkd_service_register(c, &s, &e_));
    CHECK(wait_instance(b, "cache", "c-1", WKD_INSTANCE_STARTING, -1, 10));
    CHECK_ERR(wkd_service_force_deregister(b, "cache", "c-1", &e_), WKD_E_STATE, "instance cache/c-1 is owned by node svc-c, which is alive");
    wkd_node_close(c); /* no leave: c fails */
    CHECK(wait_member_state(b, "svc-c", WKD_MEMBER_FAILED, 30));
    CHECK(wait_instance(b, "cache", "c-1", WKD_INSTANCE_DOWN, -1, 10));
    {
      wkd_instances_t* snap = NULL;
      wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
      CHECK_OK(wkd_node_instance(&snap, b, "cache", "c-1", &e_));
      CHECK_OK(wkd_instances_at(&in, snap, 0, &e_));
      CHECK(in.owner_known && in.owner_state == WKD_MEMBER_FAILED);
      wkd_instances_free(snap);
    }
    CHECK_OK(wkd_service_force_deregister(b, "cache", "c-1", &e_));
    CHECK(wait_instance(b, "cache", "c-1", WKD_INSTANCE_DEREGISTERED, -1, 5));
    /* Not replicated: a keeps its own view of c's instance. */
    CHECK(wait_instance(a, "cache", "c-1", WKD_INSTANCE_DOWN, -1, 10));
    CHECK_OK(wkd_service_force_deregister(b, "cache", "c-1", &e_)); /* already: nothing changes */
    /* A closed node refuses every call. */
    CHECK_ERR(wkd_service_register(c, &s, &e_), WKD_E_CLOSED, NULL);
    CHECK_ERR(wkd_service_drain(c, "cache", "c-1", &e_), WKD_E_CLOSED, NULL);
    {
      wkd_instances_t* snap = NULL;
      wkd_service_names_t* names = NULL;
      wkd_instance_counts n = WKD_INSTANCE_COUNTS_INIT;
      CHECK_ERR(wkd_node_instances(&snap, c, NULL, NULL, &e_), WKD_E_CLOSED, NULL);
      CHECK_ERR(wkd_node_instance(&snap, c, "cache", "c-1", &e_), WKD_E_CLOSED, NULL);
      CHECK_ERR(wkd_node_service_names(&names, c, &e_), WKD_E_CLOSED, NULL);
      CHECK_ERR(wkd_node_instance_counts(&n, c, NULL, &e_), WKD_E_CLOSED, NULL);
    }
  }

  /* The snapshot kept from before the changes still reads as it was. */
  {
    size_t i;
    CHECK(wkd_instances_count(kept) == 2);
    for (i = 0; i < wkd_instances_count(kept); i++) {
      CHECK_OK(wkd_instances_at(&kept_info, kept, i, &e_));
      CHECK(kept_info.status == WKD_INSTANCE_STARTING && kept_info.port == 8080);
      CHECK(strcmp(kept_info.host, "192.0.2.5") == 0 && strlen(kept_info.uuid) == 36 && kept_info.n_tags >= 1 &&
            strcmp(kept_info.tags[0], "primary") == 0 && strcmp(kept_info.owner, "svc-a") == 0);
    }
    wkd_instances_free(kept);
  }

  wkd_node_free(idle);
  wkd_node_free(c);
  wkd_node_close(b);
  wkd_node_free(b);
  wkd_node_close(a);
  wkd_node_free(a);
  if (failures == 0) printf("service_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
