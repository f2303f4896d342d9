/*
 * Instance selection through the C API only (wkd/select.h), on real nodes
 * on loopback (127.0.6.x, port 0): every call's refusals (NULL and invalid
 * arguments, WKD_E_INVAL naming the field), not found, the region and zone
 * options, a weighted distribution and round robin over instances another
 * node registered and this one learnt by gossip, zone affinity, lease URLs
 * (IPv6 bracketed), and outlier ejection fed by released leases and by
 * reported calls: an ejected instance is not selected while its ejection
 * lasts, max_ejection_percent keeps the other one, and a short ejection
 * ends. Every wait has a deadline; nothing asserts how long anything took.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wkd.h>

#include "check.h"
#include "fast_node.h"
#include "registry_calls.h"

/* make_fast_node with WKD_OPT_REGION and WKD_OPT_ZONE set, started. */
static wkd_node_t* make_zoned_node(const char* name, const char* bind, const char* region, const char* zone) {
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  wkd_error err = WKD_ERROR_INIT;
  if (wkd_config_new(&cfg, WKD_PRESET_LOCAL, &err) != WKD_OK) return NULL;
  wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, NULL);
  wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind, NULL);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_INTERVAL_MS, 200, NULL);
  wkd_config_set_int(cfg, WKD_OPT_PROBE_TIMEOUT_MS, 100, NULL);
  wkd_config_set_int(cfg, WKD_OPT_GOSSIP_INTERVAL_MS, 50, NULL);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_REGION, region, NULL) == WKD_OK);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_ZONE, zone, NULL) == WKD_OK);
  wkd_config_set_log(cfg, WKD_LOG_ERROR, NULL, NULL, NULL);
  if (wkd_node_create(&node, cfg, &err) != WKD_OK || wkd_node_start(node, &err) != WKD_OK) {
    fprintf(stderr, "node %s: %s\n", name, err.message);
    wkd_node_free(node);
    node = NULL;
  }
  wkd_config_free(cfg);
  return node;
}

/* Registers a HEALTHY instance (a TTL reported passing) on `owner`. */
static void add_instance(wkd_node_t* owner, const char* service, const char* id, const char* host, uint16_t port,
                         uint32_t weight, const char* region, const char* zone) {
  wkd_service s = WKD_SERVICE_INIT;
  s.service_name = service;
  s.instance_id = id;
  s.host = host;
  s.port = port;
  s.weight = weight;
  s.region = region;
  s.zone = zone;
  s.ttl_ms = 600000;
  CHECK_OK(wkd_service_register(owner, &s, &e_));
  CHECK_OK(wkd_service_ttl_update(owner, service, id, WKD_CHECK_PASSING, NULL, &e_));
}

/* Waits until `node` holds (service, id) HEALTHY. Returns 1 on success. */
static int wait_healthy(wkd_node_t* node, const char* service, const char* id, double limit_s) {
  double end = now_s() + limit_s;
  while (now_s() < end) {
    wkd_instances_t* snap = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    int ok = 0;
    if (wkd_node_instance(&snap, node, service, id, NULL) == WKD_OK && wkd_instances_at(&in, snap, 0, NULL) == WKD_OK)
      ok = in.status == WKD_INSTANCE_HEALTHY;
    wkd_instances_free(snap);
    if (ok) return 1;
    sleep_ms(20);
  }
  return 0;
}

/*
 * Selects once and releases with `outcome`; copies the instance id into
 * `id` ("" when nothing was selected). Returns the selection's status.
 */
static wkd_status pick(char* id, size_t size, wkd_node_t* node, const char* service, const wkd_select_options* o,
                       wkd_call_outcome outcome) {
  wkd_lease_t* lease = NULL;
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  wkd_status st = wkd_node_select(&lease, node, service, o, NULL);
  id[0] = '\0';
  if (st != WKD_OK) return st;
  if (wkd_lease_instance(&in, lease, NULL) == WKD_OK) snprintf(id, size, "%s", in.instance_id);
  CHECK(wkd_lease_release(lease, outcome, NULL) == WKD_OK);
  return st;
}

/* Draws n selections; counts how many were `id`. -1 when a selection failed. */
static int count_of(wkd_node_t* node, const char* service, const wkd_select_options* o, int n, const char* id) {
  int i, hits = 0;
  char got[160];
  for (i = 0; i < n; i++) {
    if (pick(got, sizeof got, node, service, o, WKD_CALL_NONE) != WKD_OK) return -1;
    if (strcmp(got, id) == 0) hits++;
  }
  return hits;
}

static void check_arguments(wkd_node_t* a) {
  wkd_lease_t* lease = (wkd_lease_t*)&lease; /* must be reset to NULL */
  wkd_select_options o = WKD_SELECT_OPTIONS_INIT;
  wkd_instance_filter f = WKD_INSTANCE_FILTER_INIT;
  wkd_outlier_options out = WKD_OUTLIER_OPTIONS_INIT;
  wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
  const char* bad_tags[] = {"primary", NULL};
  wkd_kv bad_kv[] = {{"team", NULL}};
  char buf[64];
  int fake = 0;

  CHECK_ERR(wkd_node_select(NULL, a, "orders", NULL, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_select(&lease, NULL, "orders", NULL, &e_), WKD_E_INVAL, "node");
  CHECK(lease == NULL);
  CHECK_ERR(wkd_node_select(&lease, a, NULL, NULL, &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_select(&lease, a, "", NULL, &e_), WKD_E_INVAL, "service_name");
  o.struct_size = 0;
  CHECK_ERR(wkd_node_select(&lease, a, "orders", &o, &e_), WKD_E_INVAL, "opts.struct_size");
  o.struct_size = sizeof o;
  o.strategy = (wkd_select_strategy)9;
  CHECK_ERR(wkd_node_select(&lease, a, "orders", &o, &e_), WKD_E_INVAL, "opts.strategy");
  o.strategy = WKD_SELECT_RANDOM;
  o.filter = &f;
  f.tags = bad_tags;
  f.n_tags = 2;
  CHECK_ERR(wkd_node_select(&lease, a, "orders", &o, &e_), WKD_E_INVAL, "filter.tags[1]");
  f.n_tags = 0;
  f.metadata = bad_kv;
  f.n_metadata = 1;
  CHECK_ERR(wkd_node_select(&lease, a, "orders", &o, &e_), WKD_E_INVAL, "filter.metadata[0].value");
  f.n_metadata = 0;
  f.version_range = "~>banana";
  CHECK_ERR(wkd_node_select(&lease, a, "orders", &o, &e_), WKD_E_INVAL, "filter.version_range");
  f.struct_size = 0;
  CHECK_ERR(wkd_node_select(&lease, a, "orders", &o, &e_), WKD_E_INVAL, "opts.filter.struct_size");
  CHECK(lease == NULL);

  CHECK_ERR(wkd_lease_instance(NULL, NULL, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_lease_instance(&in, NULL, &e_), WKD_E_INVAL, "lease");
  CHECK_ERR(wkd_lease_instance(&in, (const wkd_lease_t*)&fake, &e_), WKD_E_INVAL, "lease");
  CHECK_ERR(wkd_lease_url(buf, sizeof buf, NULL, "http", &e_), WKD_E_INVAL, "lease");
  CHECK(wkd_lease_release(NULL, WKD_CALL_SUCCESS, NULL) == WKD_OK);
  CHECK_ERR(wkd_lease_release((wkd_lease_t*)&fake, WKD_CALL_SUCCESS, &e_), WKD_E_INVAL, "lease");

  CHECK_ERR(wkd_node_report_call(NULL, "orders", "o-1", WKD_CALL_FAILURE, &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_report_call(a, NULL, "o-1", WKD_CALL_FAILURE, &e_), WKD_E_INVAL, "service_name");
  CHECK_ERR(wkd_node_report_call(a, "orders", NULL, WKD_CALL_FAILURE, &e_), WKD_E_INVAL, "instance_id");
  CHECK_ERR(wkd_node_report_call(a, "orders", "o-1", (wkd_call_outcome)7, &e_), WKD_E_INVAL, "outcome");
  CHECK_ERR(wkd_node_report_call(a, "orders", "nobody", WKD_CALL_FAILURE, &e_), WKD_E_NOTFOUND, NULL);

  /* Outlier settings: the defaults, and each field refused by name. */
  CHECK_OK(wkd_node_outlier(&out, a, &e_));
  CHECK(out.consecutive_failures == 5 && out.base_ejection_ms == 30000 && out.max_ejection_ms == 300000 &&
        out.max_ejection_percent == 10);
  CHECK_ERR(wkd_node_outlier(NULL, a, &e_), WKD_E_INVAL, "out");
  CHECK_ERR(wkd_node_outlier(&out, NULL, &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_set_outlier(NULL, &out, &e_), WKD_E_INVAL, "node");
  CHECK_ERR(wkd_node_set_outlier(a, NULL, &e_), WKD_E_INVAL, "opts");
  out.base_ejection_ms = 0;
  CHECK_ERR(wkd_node_set_outlier(a, &out, &e_), WKD_E_INVAL, "opts.base_ejection_ms");
  out.base_ejection_ms = 1000;
  out.max_ejection_ms = 999;
  CHECK_ERR(wkd_node_set_outlier(a, &out, &e_), WKD_E_INVAL, "opts.max_ejection_ms");
  out.max_ejection_ms = 1000;
  out.max_ejection_percent = 101;
  CHECK_ERR(wkd_node_set_outlier(a, &out, &e_), WKD_E_INVAL, "opts.max_ejection_percent");
}

static void check_options(void) {
  wkd_config_t* cfg = NULL;
  wkd_option id;
  wkd_error err = WKD_ERROR_INIT;
  CHECK(wkd_option_lookup(&id, "zone", NULL) == WKD_OK && id == WKD_OPT_ZONE);
  CHECK(wkd_option_lookup(&id, "region", NULL) == WKD_OK && id == WKD_OPT_REGION);
  CHECK(wkd_config_new(&cfg, WKD_PRESET_LAN, NULL) == WKD_OK);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_ZONE, "eu west", &err) == WKD_E_INVAL && strstr(err.message, "zone") != NULL);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_REGION, "-eu", &err) == WKD_E_INVAL && strstr(err.message, "region") != NULL);
  CHECK(wkd_config_set_str(cfg, WKD_OPT_ZONE, "eu-1a", NULL) == WKD_OK);
  wkd_config_free(cfg);
}

int main(void) {
  wkd_node_t *a = NULL, *b = NULL;
  char seed[64], id[160], url[64];
  int joined = 0, i, hits;
  wkd_select_options o = WKD_SELECT_OPTIONS_INIT;

  check_options();
  a = make_zoned_node("sel-a", "127.0.6.1:0", "eu", "eu-1a");
  b = make_zoned_node("sel-b", "127.0.6.2:0", "eu", "eu-1b");
  if (a == NULL || b == NULL) {
    fprintf(stderr, "select_test: nodes could not start\n");
    return 1;
  }
  check_arguments(a);

  /* Nothing to select: no instance, then only a STARTING one. */
  CHECK(pick(id, sizeof id, a, "orders", NULL, WKD_CALL_NONE) == WKD_E_NOTFOUND);
  {
    wkd_lease_t* lease = NULL;
    wkd_service s = WKD_SERVICE_INIT;
    s.service_name = "orders";
    s.instance_id = "o-starting";
    s.host = "192.0.2.9";
    s.port = 80;
    s.ttl_ms = 600000;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK_ERR(wkd_node_select(&lease, a, "orders", NULL, &e_), WKD_E_NOTFOUND, "no selectable instance");
    CHECK(lease == NULL);
  }

  /* a registers; b learns the instances by gossip and selects among them. */
  add_instance(a, "orders", "o-1", "192.0.2.10", 8081, 100, "eu", "eu-1a");
  add_instance(a, "orders", "o-3", "192.0.2.30", 8083, 300, "eu", "eu-1a");
  add_instance(a, "zoned", "z-here", "192.0.2.40", 80, 100, "eu", "eu-1b");
  add_instance(a, "zoned", "z-region", "192.0.2.41", 80, 100, "eu", "eu-1c");
  add_instance(a, "zoned", "z-far", "192.0.2.42", 80, 100, "us", "us-1a");
  {
    wkd_service s = WKD_SERVICE_INIT;
    s.service_name = "v6";
    s.instance_id = "v-1";
    s.host = "2001:db8::1";
    s.port = 9000;
    s.protocol = "grpc";
    s.ttl_ms = 600000;
    CHECK_OK(wkd_service_register(a, &s, &e_));
    CHECK_OK(wkd_service_ttl_update(a, "v6", "v-1", WKD_CHECK_PASSING, NULL, &e_));
  }
  CHECK_OK(wkd_node_local_addr(seed, sizeof seed, NULL, a, &e_));
  {
    const char* seeds[1];
    seeds[0] = seed;
    CHECK_OK(wkd_node_join(&joined, b, seeds, 1, 5000, &e_));
  }
  CHECK(wait_healthy(b, "orders", "o-1", 10) && wait_healthy(b, "orders", "o-3", 10));
  CHECK(wait_healthy(b, "zoned", "z-here", 10) && wait_healthy(b, "zoned", "z-region", 10) &&
        wait_healthy(b, "zoned", "z-far", 10) && wait_healthy(b, "v6", "v-1", 10));

  /* Weighted random (the default): o-3 weighs 300 against o-1's 100. */
  {
    const int n = 4000;
    double chi2, d1, d3;
    hits = count_of(b, "orders", NULL, n, "o-3");
    CHECK(hits >= 0);
    d3 = hits - n * 0.75;
    d1 = (n - hits) - n * 0.25;
    chi2 = d3 * d3 / (n * 0.75) + d1 * d1 / (n * 0.25);
    printf("select_test: weighted random over gossiped instances: o-3 %d of %d, chi-square %.3f (1 dof)\n", hits, n,
           chi2);
    CHECK(chi2 < 10.83); /* p = 0.001 with 1 degree of freedom */
  }

  /* Round robin: strictly in turn. */
  {
    char prev[160] = "";
    int ones = 0;
    o.strategy = WKD_SELECT_ROUND_ROBIN;
    for (i = 0; i < 20; i++) {
      CHECK(pick(id, sizeof id, b, "orders", &o, WKD_CALL_NONE) == WKD_OK);
      CHECK(strcmp(id, prev) != 0);
      if (strcmp(id, "o-1") == 0) ones++;
      snprintf(prev, sizeof prev, "%s", id);
    }
    CHECK(ones == 10);
  }

  /* Every strategy selects; a filter narrows. */
  {
    wkd_instance_filter f = WKD_INSTANCE_FILTER_INIT;
    for (i = WKD_SELECT_WEIGHTED_RANDOM; i <= WKD_SELECT_NEAREST; i++) {
      o.strategy = (wkd_select_strategy)i;
      CHECK(pick(id, sizeof id, b, "orders", &o, WKD_CALL_NONE) == WKD_OK);
      CHECK(strcmp(id, "o-1") == 0 || strcmp(id, "o-3") == 0);
    }
    o.strategy = WKD_SELECT_RANDOM;
    o.filter = &f;
    f.zone = "us-1a";
    CHECK(pick(id, sizeof id, b, "zoned", &o, WKD_CALL_NONE) == WKD_OK && strcmp(id, "z-far") == 0);
    f.zone = "nowhere";
    CHECK(pick(id, sizeof id, b, "zoned", &o, WKD_CALL_NONE) == WKD_E_NOTFOUND);
    o.filter = NULL;
  }

  /* Zone affinity: b is in eu-1b, then region eu. */
  o.strategy = WKD_SELECT_RANDOM;
  CHECK(count_of(b, "zoned", &o, 50, "z-here") == 50);
  CHECK(wkd_service_drain(a, "zoned", "z-here", NULL) == WKD_OK);
  {
    double end = now_s() + 10;
    while (now_s() < end && count_of(b, "zoned", &o, 1, "z-here") == 1) sleep_ms(20);
  }
  CHECK(count_of(b, "zoned", &o, 50, "z-region") == 50);
  o.zone_affinity = false;
  hits = count_of(b, "zoned", &o, 200, "z-far");
  CHECK(hits > 20 && hits < 180);
  o.zone_affinity = true;

  /* The lease: its instance, and its URL. */
  {
    wkd_lease_t* lease = NULL;
    wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
    wkd_instance_filter f = WKD_INSTANCE_FILTER_INIT;
    wkd_select_options one = WKD_SELECT_OPTIONS_INIT;
    char small[8];
    f.version_range = NULL;
    one.filter = &f;
    CHECK_OK(wkd_node_select(&lease, b, "v6", &one, &e_));
    CHECK_OK(wkd_lease_instance(&in, lease, &e_));
    CHECK(strcmp(in.service_name, "v6") == 0 && strcmp(in.instance_id, "v-1") == 0 && in.port == 9000 &&
          strcmp(in.owner, "sel-a") == 0 && in.owner_known && in.status == WKD_INSTANCE_HEALTHY);
    CHECK_OK(wkd_lease_url(url, sizeof url, lease, NULL, &e_));
    CHECK(strcmp(url, "grpc://[2001:db8::1]:9000") == 0);
    CHECK_OK(wkd_lease_url(url, sizeof url, lease, "https", &e_));
    CHECK(strcmp(url, "https://[2001:db8::1]:9000") == 0);
    CHECK_ERR(wkd_lease_url(small, sizeof small, lease, "http", &e_), WKD_E_INVAL, "size");
    CHECK_ERR(wkd_lease_url(NULL, 0, lease, "http", &e_), WKD_E_INVAL, "buf");
    CHECK_ERR(wkd_lease_release(lease, (wkd_call_outcome)9, &e_), WKD_E_INVAL, "outcome"); /* released all the same */

    CHECK_OK(wkd_node_select(&lease, b, "orders", NULL, &e_));
    CHECK_OK(wkd_lease_url(url, sizeof url, lease, "http", &e_));
    CHECK(strcmp(url, "http://192.0.2.10:8081") == 0 || strcmp(url, "http://192.0.2.30:8083") == 0);
    CHECK_OK(wkd_lease_release(lease, WKD_CALL_SUCCESS, &e_));
  }

  /*
   * Ejection fed by released leases: three failures of o-1 in a row eject
   * it for a minute; while it lasts only o-3 is selected, and
   * max_ejection_percent (50 % of 2: one) keeps o-3 whatever is reported.
   */
  {
    wkd_outlier_options oc = WKD_OUTLIER_OPTIONS_INIT;
    int failed = 0;
    oc.consecutive_failures = 3;
    oc.base_ejection_ms = 60000;
    oc.max_ejection_ms = 60000;
    oc.max_ejection_percent = 50;
    CHECK_OK(wkd_node_set_outlier(b, &oc, &e_));
    o.strategy = WKD_SELECT_ROUND_ROBIN;
    for (i = 0; i < 20 && failed < 3; i++) {
      wkd_lease_t* lease = NULL;
      wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
      CHECK_OK(wkd_node_select(&lease, b, "orders", &o, &e_));
      CHECK_OK(wkd_lease_instance(&in, lease, &e_));
      if (strcmp(in.instance_id, "o-1") == 0) {
        failed++;
        CHECK_OK(wkd_lease_release(lease, WKD_CALL_FAILURE, &e_));
      } else {
        CHECK_OK(wkd_lease_release(lease, WKD_CALL_SUCCESS, &e_));
      }
    }
    CHECK(failed == 3);
    CHECK(count_of(b, "orders", &o, 30, "o-3") == 30);
    for (i = 0; i < 10; i++) CHECK_OK(wkd_node_report_call(b, "orders", "o-3", WKD_CALL_FAILURE, &e_));
    CHECK(count_of(b, "orders", &o, 10, "o-3") == 10);
    /* a's own selector knows nothing of b's calls. */
    o.strategy = WKD_SELECT_ROUND_ROBIN;
    CHECK(count_of(a, "orders", &o, 10, "o-1") == 5);
  }

  /*
   * Reported calls, with a short ejection on another node: failures in a
   * row with a success between do not eject; three in a row do, and the
   * instance comes back once its ejection has passed.
   */
  {
    wkd_outlier_options oc = WKD_OUTLIER_OPTIONS_INIT;
    oc.consecutive_failures = 3;
    oc.base_ejection_ms = 100;
    oc.max_ejection_ms = 100;
    oc.max_ejection_percent = 50;
    CHECK_OK(wkd_node_set_outlier(a, &oc, &e_));
    CHECK_OK(wkd_node_report_call(a, "orders", "o-1", WKD_CALL_FAILURE, &e_));
    CHECK_OK(wkd_node_report_call(a, "orders", "o-1", WKD_CALL_FAILURE, &e_));
    CHECK_OK(wkd_node_report_call(a, "orders", "o-1", WKD_CALL_SUCCESS, &e_));
    CHECK_OK(wkd_node_report_call(a, "orders", "o-1", WKD_CALL_FAILURE, &e_));
    CHECK_OK(wkd_node_report_call(a, "orders", "o-1", WKD_CALL_FAILURE, &e_));
    CHECK(count_of(a, "orders", &o, 10, "o-1") == 5);
    CHECK_OK(wkd_node_report_call(a, "orders", "o-1", WKD_CALL_FAILURE, &e_));
    {
      double end = now_s() + 10;
      int back = 0;
      while (!back && now_s() < end) {
        back = count_of(a, "orders", &o, 2, "o-1") > 0;
        if (!back) sleep_ms(20);
      }
      CHECK(back);
    }
  }

  wkd_node_close(b);
  CHECK(pick(id, sizeof id, b, "orders", NULL, WKD_CALL_NONE) == WKD_E_CLOSED);
  CHECK_ERR(wkd_node_report_call(b, "orders", "o-1", WKD_CALL_FAILURE, &e_), WKD_E_CLOSED, NULL);
  wkd_node_free(b);
  wkd_node_close(a);
  wkd_node_free(a);
  if (failures == 0) printf("select_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
