// Compile-only check of the public headers as C++ (-pedantic -Wall -Wextra
// -Werror, C++17 and C++20): extern "C" linkage, INIT macros as aggregate
// initialisers, and no C-only constructs.
#include <wkd.h>
#include <wkd/sys/uv.h>

#include <type_traits>

static_assert(std::is_same_v<decltype(&wkd_node_create), wkd_status (*)(wkd_node_t**, const wkd_config_t*, wkd_error*)>);
static_assert(std::is_same_v<decltype(&wkd_register), wkd_status (*)(wkd_node_t*, const wkd_registration*, wkd_error*)>);
static_assert(std::is_same_v<decltype(&wkd_watch), wkd_status (*)(wkd_watch_t**, wkd_node_t*, const wkd_watch_spec*,
                                                                   wkd_watch_cb, void*, wkd_error*)>);
static_assert(std::is_standard_layout_v<wkd_registration> && std::is_trivially_copyable_v<wkd_registration>);
static_assert(std::is_standard_layout_v<wkd_member_info> && std::is_trivially_copyable_v<wkd_member_info>);
static_assert(std::is_standard_layout_v<wkd_service> && std::is_trivially_copyable_v<wkd_service>);
static_assert(std::is_standard_layout_v<wkd_instance_info> && std::is_trivially_copyable_v<wkd_instance_info>);
static_assert(std::is_standard_layout_v<wkd_instance_filter> && std::is_trivially_copyable_v<wkd_instance_filter>);
static_assert(std::is_same_v<decltype(&wkd_service_register), wkd_status (*)(wkd_node_t*, const wkd_service*, wkd_error*)>);
static_assert(offsetof(wkd_service, struct_size) == 0 && offsetof(wkd_instance_info, struct_size) == 0 &&
              offsetof(wkd_instance_filter, struct_size) == 0 && offsetof(wkd_instance_counts, struct_size) == 0);
static_assert(offsetof(wkd_registration, struct_size) == 0 && offsetof(wkd_member_info, struct_size) == 0 &&
              offsetof(wkd_error, struct_size) == 0 && offsetof(wkd_stats, struct_size) == 0 &&
              offsetof(wkd_watch_spec, struct_size) == 0 && offsetof(wkd_member_filter, struct_size) == 0);

int header_cxx_use();
int header_cxx_use() {
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
  return static_cast<int>(err.struct_size + reg.struct_size + info.struct_size + filter.struct_size +
                          spec.struct_size + stats.struct_size + opt.struct_size + svc.struct_size +
                          inst.struct_size + ifilter.struct_size + counts.struct_size);
}
