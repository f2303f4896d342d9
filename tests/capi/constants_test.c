/*
 * Runs against libwkd.so as a C99 program: the library's constant table
 * (wkd_constant_at) holds every value of the header lists this program was
 * compiled with, each once, with the text the name functions return; and
 * wkd_stats_describe() lists the wkd_stats fields at their offsets.
 */
#include <stdio.h>
#include <string.h>
#include <wkd.h>

#include "check.h"

/* The entry of the library's table named `name`, or NULL; counts matches. */
static int find(wkd_constant_info* out, const char* group, const char* name) {
  size_t i;
  int found = 0;
  wkd_constant_info c = WKD_CONSTANT_INFO_INIT;
  for (i = 0; wkd_constant_at(&c, i, NULL) == WKD_OK; i++) {
    if (strcmp(c.group, group) == 0 && strcmp(c.name, name) == 0) {
      *out = c;
      found++;
    }
  }
  return found;
}

static void expect(const char* group, const char* name, long long value, const char* text) {
  wkd_constant_info c = WKD_CONSTANT_INFO_INIT;
  int n = find(&c, group, name);
  if (n != 1) {
    fprintf(stderr, "%s %s: %d entries in the library's table, want 1\n", group, name, n);
    failures++;
    return;
  }
  if (c.value != value || (text != NULL && strcmp(c.text, text) != 0)) {
    fprintf(stderr, "%s %s: library says %lld '%s', header says %lld '%s'\n", group, name, (long long)c.value,
            c.text, value, text != NULL ? text : "(any)");
    failures++;
  }
}

static void check_stats(void) {
  size_t i = 0;
  wkd_stat_info f = WKD_STAT_INFO_INIT;
  wkd_error err = WKD_ERROR_INIT;
#define STAT_(type_, name_, kind_, help_)                                                            \
  CHECK(wkd_stats_describe(&f, i, NULL) == WKD_OK && strcmp(f.name, #name_) == 0 &&                   \
        f.offset == offsetof(wkd_stats, name_) && f.size == sizeof(type_) && strcmp(f.help, help_) == 0 && \
        strcmp(f.kind, (#kind_)[0] == 'C' ? "counter" : "gauge") == 0);                              \
  i++;
  WKD_STATS_MAP(STAT_)
#undef STAT_
  CHECK(wkd_stats_count() == i);
  CHECK(wkd_stats_describe(&f, i, &err) == WKD_E_NOTFOUND && err.status == WKD_E_NOTFOUND);
  CHECK(wkd_stats_describe(NULL, 0, NULL) == WKD_E_INVAL);
}

int main(void) {
  wkd_constant_info c = WKD_CONSTANT_INFO_INIT;
  wkd_error err = WKD_ERROR_INIT;
  size_t expected = 0;

#define STATUS_(name, value, text) expect("wkd_status", "WKD_" #name, WKD_##name, wkd_status_str(WKD_##name)); expected++;
  WKD_STATUS_MAP(STATUS_)
#define STATE_(name, value, text) expect("wkd_member_state", "WKD_MEMBER_" #name, value, wkd_member_state_name(WKD_MEMBER_##name)); expected++;
  WKD_MEMBER_STATE_MAP(STATE_)
#define HEALTH_(name, value, text) expect("wkd_health", "WKD_HEALTH_" #name, value, wkd_health_name(WKD_HEALTH_##name)); expected++;
  WKD_HEALTH_MAP(HEALTH_)
#define KIND_(name, value) expect("wkd_watch_kind", "WKD_WATCH_" #name, value, NULL); expected++;
  WKD_WATCH_KIND_MAP(KIND_)
#define EVENT_(name, value, text) expect("wkd_event_type", "WKD_EVENT_" #name, value, wkd_event_type_name(WKD_EVENT_##name)); expected++;
  WKD_EVENT_TYPE_MAP(EVENT_)
#define INSTANCE_(name, value, text) expect("wkd_instance_status", "WKD_INSTANCE_" #name, value, wkd_instance_status_name(WKD_INSTANCE_##name)); expected++;
  WKD_INSTANCE_STATUS_MAP(INSTANCE_)
#define CHECKSTATE_(name, value, text) expect("wkd_check_state", "WKD_CHECK_" #name, value, wkd_check_state_name(WKD_CHECK_##name)); expected++;
  WKD_CHECK_STATE_MAP(CHECKSTATE_)
#define CHECKKIND_(name, value, text) expect("wkd_check_kind", "WKD_CHECK_KIND_" #name, value, wkd_check_kind_name(WKD_CHECK_KIND_##name)); expected++;
  WKD_CHECK_KIND_MAP(CHECKKIND_)
#define AGGREGATE_(name, value, text) expect("wkd_aggregate_status", "WKD_AGGREGATE_" #name, value, wkd_aggregate_status_name(WKD_AGGREGATE_##name)); expected++;
  WKD_AGGREGATE_STATUS_MAP(AGGREGATE_)
#define DEPTYPE_(name, value, text) expect("wkd_dependency_type", "WKD_DEPENDENCY_" #name, value, wkd_dependency_type_name(WKD_DEPENDENCY_##name)); expected++;
  WKD_DEPENDENCY_TYPE_MAP(DEPTYPE_)
#define STRATEGY_(name, value, text) expect("wkd_select_strategy", "WKD_SELECT_" #name, value, wkd_select_strategy_name(WKD_SELECT_##name)); expected++;
  WKD_SELECT_STRATEGY_MAP(STRATEGY_)
#define OUTCOME_(name, value, text) expect("wkd_call_outcome", "WKD_CALL_" #name, value, wkd_call_outcome_name(WKD_CALL_##name)); expected++;
  WKD_CALL_OUTCOME_MAP(OUTCOME_)
#define PRESET_(name, value) expect("wkd_preset", "WKD_PRESET_" #name, value, NULL); expected++;
  WKD_PRESET_MAP(PRESET_)
#define OPTION_(id, name, type, since) expect("wkd_option", "WKD_OPT_" #name, id, NULL); expected++;
  WKD_OPTION_MAP(OPTION_)
  expect("wkd_option", "WKD_OPT_PROBE_INTERVAL_MS", WKD_OPT_PROBE_INTERVAL_MS, "probe_interval_ms");
  expect("wkd_option_type", "WKD_OPTION_BOOL", WKD_OPTION_BOOL, NULL);
  expect("wkd_log_level", "WKD_LOG_OFF", WKD_LOG_OFF, NULL);
  expect("wkd_watch_flags", "WKD_WATCH_INITIAL", WKD_WATCH_INITIAL, NULL);
  expect("wkd_instance_status", "WKD_INSTANCE_DRAINING", WKD_INSTANCE_DRAINING, "DRAINING");
  expect("wkd_check_state", "WKD_CHECK_WARNING", WKD_CHECK_WARNING, "warning");
  expect("wkd_service_defaults", "WKD_SERVICE_DEFAULT_WEIGHT", WKD_SERVICE_DEFAULT_WEIGHT, NULL);
  expect("wkd_aggregate_status", "WKD_AGGREGATE_DEGRADED", WKD_AGGREGATE_DEGRADED, "DEGRADED");
  expect("wkd_dependency_type", "WKD_DEPENDENCY_OPTIONAL", WKD_DEPENDENCY_OPTIONAL, "OPTIONAL");
  expect("wkd_dependency_defaults", "WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS", WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS, NULL);
  expect("wkd_dependency_defaults", "WKD_DEPENDENCY_MAX_TIMEOUT_MS", WKD_DEPENDENCY_MAX_TIMEOUT_MS, NULL);
  expected += 2;
  CHECK(strcmp(wkd_aggregate_status_name((wkd_aggregate_status)42), "UNKNOWN") == 0);
  CHECK(strcmp(wkd_dependency_type_name((wkd_dependency_type)42), "UNKNOWN") == 0);
  CHECK(strcmp(wkd_instance_status_name((wkd_instance_status)42), "UNKNOWN") == 0);
  CHECK(strcmp(wkd_check_state_name((wkd_check_state)42), "unknown") == 0);
  expect("wkd_select_strategy", "WKD_SELECT_LEAST_CONNECTIONS", WKD_SELECT_LEAST_CONNECTIONS, "least_connections");
  expect("wkd_call_outcome", "WKD_CALL_FAILURE", WKD_CALL_FAILURE, "failure");
  CHECK(strcmp(wkd_select_strategy_name((wkd_select_strategy)42), "unknown") == 0);
  CHECK(strcmp(wkd_call_outcome_name((wkd_call_outcome)42), "unknown") == 0);

  CHECK(wkd_constant_count() >= expected);
  CHECK(wkd_constant_at(&c, wkd_constant_count(), &err) == WKD_E_NOTFOUND && err.status == WKD_E_NOTFOUND);
  CHECK(wkd_constant_at(NULL, 0, NULL) == WKD_E_INVAL);
  check_stats();

  if (failures == 0) printf("constants_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
