// The option table behind wkd/config.h: for every WKD_OPT_*, its name,
// type, bounds, per-preset default and description; the builder object
// (struct wkd_config); and its translation into runtime::NodeOptions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "capi/guard.hpp"
#include "common/log.hpp"
#include "runtime/node.hpp"
#include "wkd/config.h"
#include "wkd/sys/log.h"

namespace wkd::capi {

class LogQueue;

struct OptionSpec {
  wkd_option id;
  const char* name;
  wkd_option_type type;
  std::int64_t min;
  std::int64_t max;
  std::int64_t defaults[3];  // LAN, WAN, LOCAL (INT and BOOL)
  const char* str_default;   // STR
  const char* since;
  const char* description;
};

const OptionSpec* find_option(wkd_option id) noexcept;
const OptionSpec* find_option(std::string_view name) noexcept;
const OptionSpec* option_table(std::size_t* count) noexcept;

}  // namespace wkd::capi

struct wkd_config {
  std::uint32_t tag = wkd::capi::kConfigTag;
  wkd_preset preset = WKD_PRESET_LAN;
  std::map<int, std::int64_t> ints;       // INT and BOOL overrides
  std::map<int, std::string> strs;        // STR overrides
  wkd_log_level log_level = WKD_LOG_WARN;
  wkd_log_cb log_cb = nullptr;
  void* log_user_data = nullptr;
  std::shared_ptr<wkd::capi::LogQueue> log_queue;  // wkd_config_set_log_queue
};

namespace wkd::capi {

std::int64_t get_int(const wkd_config& c, wkd_option id) noexcept;
std::string get_str(const wkd_config& c, wkd_option id);

// Checks a string option's value (addresses, keys); "" or the problem.
std::string check_str(wkd_option id, const std::string& value);

// The node options a configuration describes, or a message naming the
// option that is wrong.
runtime::Result<runtime::NodeOptions> to_node_options(const wkd_config& c);

}  // namespace wkd::capi
