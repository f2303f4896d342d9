// wkd/config.h and wkd/sys/log.h: the configuration builder.
#include <cstring>

#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "wkd/config.h"
#include "wkd/sys/log.h"

using namespace wkd::capi;

namespace {

bool valid(const wkd_config_t* c) { return c != nullptr && c->tag == kConfigTag; }

const OptionSpec* option_of_type(wkd_option opt, wkd_option_type type, wkd_error* err, wkd_status* st) {
  const OptionSpec* o = find_option(opt);
  if (o == nullptr) {
    *st = fail(err, WKD_E_INVAL, "unknown option id " + std::to_string(static_cast<int>(opt)));
    return nullptr;
  }
  if (o->type != type) {
    static const char* kTypes[] = {"INT", "STR", "BOOL"};
    *st = fail(err, WKD_E_INVAL,
               std::string("option ") + o->name + " is of type " + kTypes[o->type] + ", not " + kTypes[type]);
    return nullptr;
  }
  return o;
}

}  // namespace

extern "C" {

WKD_API wkd_status wkd_config_new(wkd_config_t** out, wkd_preset preset, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    const int p = raw_enum(preset);
    if (p != WKD_PRESET_LAN && p != WKD_PRESET_WAN && p != WKD_PRESET_LOCAL) {
      return fail(err, WKD_E_INVAL, "unknown preset " + std::to_string(p));
    }
    auto* c = new wkd_config;
    c->preset = preset;
    *out = c;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_clone(wkd_config_t** out, const wkd_config_t* cfg, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    if (!valid(cfg)) return fail(err, WKD_E_INVAL, "cfg is not a configuration");
    *out = new wkd_config(*cfg);
    return WKD_OK;
  });
}

WKD_API void wkd_config_free(wkd_config_t* cfg) {
  if (!valid(cfg)) return;
  cfg->tag = kDeadTag;
  delete cfg;
}

WKD_API wkd_status wkd_config_set_int(wkd_config_t* cfg, wkd_option opt, int64_t value, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!valid(cfg)) return fail(err, WKD_E_INVAL, "cfg is not a configuration");
    wkd_status st = WKD_OK;
    const OptionSpec* o = option_of_type(opt, WKD_OPTION_INT, err, &st);
    if (o == nullptr) return st;
    if (value < o->min || value > o->max) {
      return fail(err, WKD_E_INVAL,
                  std::string(o->name) + " = " + std::to_string(value) + " is out of range [" +
                      std::to_string(o->min) + ", " + std::to_string(o->max) + "]");
    }
    cfg->ints[opt] = value;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_set_bool(wkd_config_t* cfg, wkd_option opt, bool value, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!valid(cfg)) return fail(err, WKD_E_INVAL, "cfg is not a configuration");
    wkd_status st = WKD_OK;
    if (option_of_type(opt, WKD_OPTION_BOOL, err, &st) == nullptr) return st;
    cfg->ints[opt] = value ? 1 : 0;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_set_str(wkd_config_t* cfg, wkd_option opt, const char* value, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!valid(cfg)) return fail(err, WKD_E_INVAL, "cfg is not a configuration");
    wkd_status st = WKD_OK;
    if (option_of_type(opt, WKD_OPTION_STR, err, &st) == nullptr) return st;
    if (value == nullptr) {
      cfg->strs.erase(opt);
      return WKD_OK;
    }
    std::string v(value);
    if (auto problem = check_str(opt, v); !problem.empty()) return fail(err, WKD_E_INVAL, problem);
    cfg->strs[opt] = std::move(v);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_get_int(int64_t* out, const wkd_config_t* cfg, wkd_option opt, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || !valid(cfg)) return fail(err, WKD_E_INVAL, "out is NULL or cfg is not a configuration");
    wkd_status st = WKD_OK;
    if (option_of_type(opt, WKD_OPTION_INT, err, &st) == nullptr) return st;
    *out = get_int(*cfg, opt);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_get_bool(bool* out, const wkd_config_t* cfg, wkd_option opt, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || !valid(cfg)) return fail(err, WKD_E_INVAL, "out is NULL or cfg is not a configuration");
    wkd_status st = WKD_OK;
    if (option_of_type(opt, WKD_OPTION_BOOL, err, &st) == nullptr) return st;
    *out = get_int(*cfg, opt) != 0;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_get_str(const char** out, const wkd_config_t* cfg, wkd_option opt, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || !valid(cfg)) return fail(err, WKD_E_INVAL, "out is NULL or cfg is not a configuration");
    wkd_status st = WKD_OK;
    const OptionSpec* o = option_of_type(opt, WKD_OPTION_STR, err, &st);
    if (o == nullptr) return st;
    auto it = cfg->strs.find(opt);
    *out = it != cfg->strs.end() ? it->second.c_str() : (o->str_default != nullptr ? o->str_default : "");
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_option_lookup(wkd_option* out, const char* name, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || name == nullptr) return fail(err, WKD_E_INVAL, "out or name is NULL");
    const OptionSpec* o = find_option(std::string_view(name));
    if (o == nullptr) return fail(err, WKD_E_NOTFOUND, std::string("no option is named '") + name + "'");
    *out = o->id;
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_option_describe(wkd_option_info* out, wkd_option opt, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return fail(err, WKD_E_INVAL, "out is NULL or too small");
    const OptionSpec* o = find_option(opt);
    if (o == nullptr) return fail(err, WKD_E_INVAL, "unknown option id " + std::to_string(static_cast<int>(opt)));
    wkd_option_info full{};
    full.struct_size = sizeof(full);
    full.id = o->id;
    full.name = o->name;
    full.type = o->type;
    full.min = o->min;
    full.max = o->max;
    full.since = o->since;
    full.description = o->description;
    copy_sized(out, full);
    return WKD_OK;
  });
}

WKD_API wkd_status wkd_config_set_log(wkd_config_t* cfg, wkd_log_level min_level, wkd_log_cb cb, void* user_data,
                                      wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (!valid(cfg)) return fail(err, WKD_E_INVAL, "cfg is not a configuration");
    if (min_level < WKD_LOG_DEBUG || min_level > WKD_LOG_OFF) return fail(err, WKD_E_INVAL, "unknown log level");
    cfg->log_level = min_level;
    cfg->log_cb = cb;
    cfg->log_user_data = user_data;
    cfg->log_queue.reset();
    return WKD_OK;
  });
}

}  // extern "C"
