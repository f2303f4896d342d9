// wkd/constants.h and wkd_stats_describe(): the library's enums and the
// wkd_stats fields as tables, generated from the headers' X-macro lists so
// that bindings read them instead of retyping them.
#include <cstddef>
#include <iterator>

#include "capi/guard.hpp"
#include "wkd.h"

namespace {

struct Constant {
  const char* group;
  const char* name;
  std::int64_t value;
  const char* text;
};

#define WKD_C_STATUS_(name, value, text) {"wkd_status", "WKD_" #name, WKD_##name, text},
#define WKD_C_STATE_(name, value, text) {"wkd_member_state", "WKD_MEMBER_" #name, WKD_MEMBER_##name, text},
#define WKD_C_HEALTH_(name, value, text) {"wkd_health", "WKD_HEALTH_" #name, WKD_HEALTH_##name, text},
#define WKD_C_KIND_(name, value) {"wkd_watch_kind", "WKD_WATCH_" #name, WKD_WATCH_##name, ""},
#define WKD_C_INSTANCE_(name, value, text) \
  {"wkd_instance_status", "WKD_INSTANCE_" #name, WKD_INSTANCE_##name, text},
#define WKD_C_CHECK_(name, value, text) {"wkd_check_state", "WKD_CHECK_" #name, WKD_CHECK_##name, text},
#define WKD_C_CHECK_KIND_(name, value, text) {"wkd_check_kind", "WKD_CHECK_KIND_" #name, WKD_CHECK_KIND_##name, text},
#define WKD_C_AGGREGATE_(name, value, text) \
  {"wkd_aggregate_status", "WKD_AGGREGATE_" #name, WKD_AGGREGATE_##name, text},
#define WKD_C_DEPTYPE_(name, value, text) \
  {"wkd_dependency_type", "WKD_DEPENDENCY_" #name, WKD_DEPENDENCY_##name, text},
#define WKD_C_EVENT_(name, value, text) {"wkd_event_type", "WKD_EVENT_" #name, WKD_EVENT_##name, text},
#define WKD_C_PRESET_(name, value) {"wkd_preset", "WKD_PRESET_" #name, WKD_PRESET_##name, ""},
#define WKD_C_OPTION_(id, name, type, since) {"wkd_option", "WKD_OPT_" #name, WKD_OPT_##name, nullptr},
#define WKD_C_STRATEGY_(name, value, text) \
  {"wkd_select_strategy", "WKD_SELECT_" #name, WKD_SELECT_##name, text},
#define WKD_C_OUTCOME_(name, value, text) {"wkd_call_outcome", "WKD_CALL_" #name, WKD_CALL_##name, text},
#define WKD_C_ONE_(group, name) {group, #name, name, ""},

constexpr Constant kConstants[] = {
    WKD_STATUS_MAP(WKD_C_STATUS_)                //
    WKD_MEMBER_STATE_MAP(WKD_C_STATE_)           //
    WKD_HEALTH_MAP(WKD_C_HEALTH_)                //
    WKD_WATCH_KIND_MAP(WKD_C_KIND_)              //
    WKD_EVENT_TYPE_MAP(WKD_C_EVENT_)             //
    WKD_PRESET_MAP(WKD_C_PRESET_)                //
    WKD_OPTION_MAP(WKD_C_OPTION_)                //
    WKD_C_ONE_("wkd_option_type", WKD_OPTION_INT)  //
    WKD_C_ONE_("wkd_option_type", WKD_OPTION_STR)  //
    WKD_C_ONE_("wkd_option_type", WKD_OPTION_BOOL) //
    WKD_C_ONE_("wkd_log_level", WKD_LOG_DEBUG)     //
    WKD_C_ONE_("wkd_log_level", WKD_LOG_INFO)      //
    WKD_C_ONE_("wkd_log_level", WKD_LOG_WARN)      //
    WKD_C_ONE_("wkd_log_level", WKD_LOG_ERROR)     //
    WKD_C_ONE_("wkd_log_level", WKD_LOG_OFF)       //
    WKD_C_ONE_("wkd_watch_flags", WKD_WATCH_INITIAL)  //
    WKD_INSTANCE_STATUS_MAP(WKD_C_INSTANCE_)           //
    WKD_CHECK_STATE_MAP(WKD_C_CHECK_)                  //
    WKD_CHECK_KIND_MAP(WKD_C_CHECK_KIND_)              //
    WKD_C_ONE_("wkd_service_defaults", WKD_SERVICE_DEFAULT_WEIGHT)                 //
    WKD_AGGREGATE_STATUS_MAP(WKD_C_AGGREGATE_)                                     //
    WKD_DEPENDENCY_TYPE_MAP(WKD_C_DEPTYPE_)                                        //
    WKD_C_ONE_("wkd_dependency_defaults", WKD_DEPENDENCY_DEFAULT_TIMEOUT_MS)       //
    WKD_C_ONE_("wkd_dependency_defaults", WKD_DEPENDENCY_MAX_TIMEOUT_MS)           //
    WKD_SELECT_STRATEGY_MAP(WKD_C_STRATEGY_)                       //
    WKD_CALL_OUTCOME_MAP(WKD_C_OUTCOME_)};

#undef WKD_C_STATUS_
#undef WKD_C_STATE_
#undef WKD_C_HEALTH_
#undef WKD_C_KIND_
#undef WKD_C_INSTANCE_
#undef WKD_C_CHECK_
#undef WKD_C_CHECK_KIND_
#undef WKD_C_AGGREGATE_
#undef WKD_C_DEPTYPE_
#undef WKD_C_EVENT_
#undef WKD_C_PRESET_
#undef WKD_C_OPTION_
#undef WKD_C_STRATEGY_
#undef WKD_C_OUTCOME_
#undef WKD_C_ONE_

struct StatField {
  const char* name;
  const char* kind;
  const char* help;
  std::uint32_t offset;
  std::uint32_t size;
};

#define WKD_C_KIND_COUNTER "counter"
#define WKD_C_KIND_GAUGE "gauge"
#define WKD_C_STAT_(type, name, kind, help)                                                              \
  {#name, WKD_C_KIND_##kind, help, static_cast<std::uint32_t>(offsetof(wkd_stats, name)), \
   static_cast<std::uint32_t>(sizeof(type))},
constexpr StatField kStatFields[] = {WKD_STATS_MAP(WKD_C_STAT_)};
#undef WKD_C_STAT_
#undef WKD_C_KIND_COUNTER
#undef WKD_C_KIND_GAUGE

// Option names come from the option table, so they are looked up, not
// stored twice.
const char* text_of(const Constant& c) {
  if (c.text != nullptr) return c.text;
  wkd_option_info info = WKD_OPTION_INFO_INIT;
  if (wkd_option_describe(&info, static_cast<wkd_option>(c.value), nullptr) != WKD_OK) return "";
  return info.name;
}

}  // namespace

extern "C" {

WKD_API size_t wkd_constant_count(void) { return std::size(kConstants); }

WKD_API wkd_status wkd_constant_at(wkd_constant_info* out, size_t index, wkd_error* err) {
  return wkd::capi::guard(err, [&]() -> wkd_status {
    using wkd::capi::fail;
    if (out == nullptr || out->struct_size < offsetof(wkd_constant_info, name))
      return fail(err, WKD_E_INVAL, "out is NULL or its struct_size is too small");
    if (index >= std::size(kConstants))
      return fail(err, WKD_E_NOTFOUND, "constant index " + std::to_string(index) + " is past the end of the table (" +
                                           std::to_string(std::size(kConstants)) + " entries)");
    const Constant& c = kConstants[index];
    wkd_constant_info full{sizeof(wkd_constant_info), c.group, c.name, c.value, text_of(c)};
    wkd::capi::copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API size_t wkd_stats_count(void) { return std::size(kStatFields); }

WKD_API wkd_status wkd_stats_describe(wkd_stat_info* out, size_t index, wkd_error* err) {
  return wkd::capi::guard(err, [&]() -> wkd_status {
    using wkd::capi::fail;
    if (out == nullptr || out->struct_size < offsetof(wkd_stat_info, name))
      return fail(err, WKD_E_INVAL, "out is NULL or its struct_size is too small");
    if (index >= std::size(kStatFields))
      return fail(err, WKD_E_NOTFOUND, "stats field index " + std::to_string(index) + " is past the end (" +
                                           std::to_string(std::size(kStatFields)) + " fields)");
    const StatField& f = kStatFields[index];
    wkd_stat_info full{sizeof(wkd_stat_info), f.name, f.kind, f.help, f.offset, f.size};
    wkd::capi::copy_sized(out, full);
    return WKD_OK;
  });
}

}  // extern "C"
