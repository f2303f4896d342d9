/*
 * Compile-only check of the public headers as strict C99 (-std=c99
 * -pedantic -Wall -Wextra -Werror): every header parses, every INIT macro
 * initialises every field, and the fixed entry points keep their
 * signatures (a mismatch is a type error here).
 */
#include <wkd.h>
#include <wkd/sys/uv.h>

static wkd_status (*const check_create)(wkd_node_t**, const wkd_config_t*, wkd_error*) = wkd_node_create;
static wkd_status (*const check_register)(wkd_node_t*, const wkd_registration*, wkd_error*) = wkd_register;
static wkd_status (*const check_watch)(wkd_watch_t**, wkd_node_t*, const wkd_watch_spec*, wkd_watch_cb, void*,
                                       wkd_error*) = wkd_watch;
static wkd_status (*const check_stats)(wkd_stats*, const wkd_node_t*, wkd_error*) = wkd_node_stats;
static wkd_status (*const check_join)(int*, wkd_node_t*, const char* const*, size_t, int32_t,
                                      wkd_error*) = wkd_node_join;
static wkd_status (*const check_service_register)(wkd_node_t*, const wkd_service*,
                                                  wkd_error*) = wkd_service_register;
static wkd_status (*const check_ttl)(wkd_node_t*, const char*, const char*, wkd_check_state, const char*,
                                     wkd_error*) = wkd_service_ttl_update;
static wkd_status (*const check_instances)(wkd_instances_t**, wkd_node_t*, const char*, const wkd_instance_filter*,
                                           wkd_error*) = wkd_node_instances;
static wkd_status (*const check_declare)(wkd_node_t*, const wkd_dependency*, wkd_error*) =
    wkd_node_declare_dependency;
static wkd_status (*const check_summary)(wkd_service_summary*, wkd_node_t*, const char*,
                                         wkd_error*) = wkd_node_service_summary;
static wkd_status (*const check_on_loop)(wkd_node_t**, struct uv_loop_s*, const wkd_config_t*,
                                         wkd_error*) = wkd_node_create_on_loop;

static void on_event(const wkd_event_t* ev, void* user_data) {
  (void)ev;
  (void)user_data;
}

int header_c99_use(void);
int header_c99_use(void) {
  wkd_error err = WKD_ERROR_INIT;
  wkd_registration reg = WKD_REGISTRATION_INIT;
  wkd_member_info info = WKD_MEMBER_INFO_INIT;
  wkd_member_filter filter = WKD_MEMBER_FILTER_INIT;
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  wkd_stats stats = WKD_STATS_INIT;
  wkd_option_info opt = WKD_OPTION_INFO_INIT;
  wkd_service svc = WKD_SERVICE_INIT;
  wkd_instance_info inst = WKD_INSTANCE_INFO_INIT;
  wkd_instance_filter ifilter = WKD_INSTANCE_FILTER_INIT;
  wkd_instance_counts counts = WKD_INSTANCE_COUNTS_INIT;
  wkd_service_summary summary = WKD_SERVICE_SUMMARY_INIT;
  wkd_service_health shealth = WKD_SERVICE_HEALTH_INIT;
  wkd_platform_health phealth = WKD_PLATFORM_HEALTH_INIT;
  wkd_dependency dep = WKD_DEPENDENCY_INIT;
  wkd_dependency_info dinfo = WKD_DEPENDENCY_INFO_INIT;
  wkd_dependency_health dhealth = WKD_DEPENDENCY_HEALTH_INIT;
  wkd_dependency_edge edge = WKD_DEPENDENCY_EDGE_INIT;
  wkd_watch_cb cb = on_event;
  unsigned mask = WKD_STATE_MASK(WKD_MEMBER_ALIVE) | WKD_STATE_MASK(WKD_MEMBER_SUSPECT);
  int sum = WKD_VERSION_NUMBER + (int)sizeof(WKD_VERSION_STRING) + (int)err.struct_size + (int)reg.struct_size +
            (int)info.struct_size + (int)filter.struct_size + (int)spec.struct_size + (int)stats.struct_size +
            (int)opt.struct_size + (int)mask + (int)WKD_OPT_PROBE_INTERVAL_MS + (int)WKD_E_NOTSUP +
            (int)WKD_WATCH_SERVICE_HEALTHY + (int)WKD_EVENT_OVERFLOW + (int)WKD_LOG_ERROR +
            (int)svc.struct_size + (int)svc.weight + (int)inst.struct_size + (int)ifilter.struct_size +
            (int)counts.struct_size + (int)WKD_INSTANCE_DEREGISTERED + (int)WKD_CHECK_CRITICAL +
            (int)summary.struct_size + (int)shealth.struct_size + (int)phealth.struct_size + (int)dep.struct_size +
            (int)dep.timeout_ms + (int)dinfo.struct_size + (int)dhealth.struct_size + (int)edge.struct_size +
            (int)WKD_AGGREGATE_DEGRADED + (int)WKD_DEPENDENCY_DEV;
  (void)cb;
  (void)check_create;
  (void)check_register;
  (void)check_watch;
  (void)check_stats;
  (void)check_join;
  (void)check_on_loop;
  (void)check_service_register;
  (void)check_ttl;
  (void)check_instances;
  (void)check_declare;
  (void)check_summary;
  return sum;
}
