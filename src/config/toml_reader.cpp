// parse_toml() and load_file(): the TOML document (toml++) -> AgentConfig,
// every key typed and checked where it stands, errors as FILE:LINE: KEY.
//
// Debian's toml++ is a compiled library built with exceptions only (its
// TOML_EXCEPTIONS=0 entry points are not in libtomlplusplus.so), so the
// parse error is caught here and turned into a value; nothing else throws.
#include <fcntl.h>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <span>
#include <string>
#include <toml++/toml.h>
#include <utility>
#include <vector>

#include "config/agent_config.hpp"
#include "config/checks.hpp"

namespace wkd::config {

namespace {

using namespace detail;
using Err = std::optional<ConfigError>;

constexpr std::size_t kMaxFileSize = 16u << 20;

using Keys = std::span<const std::string_view>;
constexpr std::string_view kDiscoveryKeys[] = {
    "node_name",     "bind",          "advertise",    "seeds",        "gossip_interval_ms",
    "probe_interval_ms", "suspicion_timeout_ms", "profile", "http",   "groups",
    "database_type", "wire_protocol", "endpoint",     "capabilities", "encrypt",
    "keyring_file",  "snapshot_path", "tls_cert",     "tls_key",      "tls_ca",
    "tags",          "verify_before_dead", "join_sync_delay_ms", "reconnect_timeout_ms",
    "registry_down_drop_after_ms", "registry_tombstone_retention_ms", "registry_sync_interval_ms", "service"};
constexpr std::string_view kAgentKeys[] = {"leave_timeout_ms", "log_level", "log_json", "token",
                                           "allow_unauthenticated_remote", "script_checks"};
constexpr std::string_view kTokenKeys[] = {"name", "scope", "secret_file", "secret_env", "service_prefixes"};
constexpr std::string_view kServiceKeys[] = {
    "service_name", "instance_id", "host",   "port", "protocol",         "version",     "tags", "metadata",
    "weight",       "region",      "zone",   "health_check_url", "metrics_url", "check"};
constexpr std::string_view kCheckKeys[] = {
    "id", "kind", "target", "interval_ms", "timeout_ms", "ttl_ms", "success_before_passing",
    "failures_before_warning", "failures_before_critical", "deregister_critical_after_ms", "start_grace_ms",
    "method", "headers", "body", "tls_skip_verify", "grpc_service", "on_critical"};
// The ranges the TOML reader enforces on integers before the registry's
// and health's own rules (which the messages then repeat) judge them.
constexpr Range kAnyMs{0, 31'536'000'000};
constexpr Range kPortRange{1, 65535};
constexpr Range kCountRange{0, 1000};
constexpr Range kWeightRange{0, 10'000};

// "serviceName" -> "service_name": the registry names fields as the JSON
// API does; the file names them in snake case.
std::string snake_case(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

// The file's key for a field health::validate names ("interval" is
// interval_ms, ...).
std::string check_key(std::string_view field) {
  for (std::string_view ms : {"interval", "timeout", "ttl", "deregister_critical_after", "start_grace"}) {
    if (field == ms) return std::string(field) + "_ms";
  }
  return std::string(field);
}

std::string_view type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "floating-point";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
  }
  return "unknown";
}

int line_of(const toml::source_region& r) { return static_cast<int>(r.begin.line); }

// A table's entries in the order they appear in the file (toml++ keeps
// them sorted by key), so the first error reported is the first in the file.
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& t) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(&k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& x = a.first->source().begin;
    const auto& y = b.first->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return out;
}

class Reader {
 public:
  Reader(const std::string& file, AgentConfig& cfg) : file_(file), cfg_(cfg) {}

  Err root(const toml::table& t) {
    const toml::table* discovery = nullptr;
    for (const auto& [k, v] : in_file_order(t)) {
      const std::string name(k->str());
      if (name == "discovery" || name == "agent") {
        if (!v->is_table()) return type_error(*v, name, "a table");
        if (name == "discovery") {
          discovery = v->as_table();
        } else if (auto e = agent(*v->as_table())) {
          return e;
        }
      } else if (!v->is_table() && !v->is_array_of_tables()) {
        // Other tables belong to other WeftKit components; a bare key
        // belongs to nobody.
        return error(*k, name,
                     "expected a table, got " + std::string(type_name(v->type())) +
                         " (settings go in [discovery] or [agent])");
      }
    }
    if (discovery == nullptr) {
      return ConfigError{file_, 0, 0, "discovery", "missing table: the agent needs [discovery]"};
    }
    return read_discovery(*discovery);
  }

 private:
  // ---- errors
  ConfigError error(const toml::node& n, const std::string& key, std::string message) const {
    return ConfigError{file_, line_of(n.source()), 0, key, std::move(message)};
  }
  ConfigError error(const toml::key& k, const std::string& key, std::string message) const {
    return ConfigError{file_, line_of(k.source()), 0, key, std::move(message)};
  }
  Err type_error(const toml::node& n, const std::string& key, std::string_view expected) const {
    return error(n, key, "expected " + std::string(expected) + ", got " + std::string(type_name(n.type())));
  }
  Err check_at(const toml::node& n, const std::string& key, std::string problem) const {
    if (problem.empty()) return std::nullopt;
    return error(n, key, std::move(problem));
  }
  Err unknown(const toml::key& k, const std::string& path, Keys known) const {
    std::string message = "unknown key";
    std::size_t best = 4;
    std::string_view hint;
    for (auto candidate : known) {
      const std::size_t d = edit_distance(k.str(), candidate);
      const std::size_t limit = std::max(k.str().size(), candidate.size()) >= 12 ? 3 : 2;
      if (d <= limit && d < best) {
        best = d;
        hint = candidate;
      }
    }
    if (!hint.empty()) message += "; did you mean " + std::string(hint) + "?";
    return error(k, path, std::move(message));
  }

  // ---- typed values
  void mark(const std::string& path, const toml::node& n) {
    cfg_.origins[path] = AgentConfig::Origin{line_of(n.source()), ""};
  }

  Err get(const toml::node& n, const std::string& path, std::string& out) {
    if (!n.is_string()) return type_error(n, path, "a string");
    out = n.as_string()->get();
    mark(path, n);
    return std::nullopt;
  }
  Err get(const toml::node& n, const std::string& path, bool& out) {
    if (!n.is_boolean()) return type_error(n, path, "a boolean");
    out = n.as_boolean()->get();
    mark(path, n);
    return std::nullopt;
  }
  Err get(const toml::node& n, const std::string& path, Range range, std::int64_t& out) {
    if (!n.is_integer()) return type_error(n, path, "an integer (milliseconds)");
    out = n.as_integer()->get();
    mark(path, n);
    return check_at(n, path, check_range(out, range, "ms"));
  }
  // An integer that is not a duration.
  Err get_count(const toml::node& n, const std::string& path, Range range, std::int64_t& out) {
    if (!n.is_integer()) return type_error(n, path, "an integer");
    out = n.as_integer()->get();
    mark(path, n);
    return check_at(n, path, check_range(out, range, "inclusive"));
  }
  Err get(const toml::node& n, const std::string& path, Range range, std::optional<std::int64_t>& out) {
    std::int64_t v = 0;
    if (auto e = get(n, path, range, v)) return e;
    out = v;
    return std::nullopt;
  }
  // An array of strings, each checked by `one` (which may rewrite it),
  // none listed twice; errors point at the element's line.
  template <class Check>
  Err get_list(const toml::node& n, const std::string& path, const char* what, std::vector<std::string>& out,
               Check one) {
    if (!n.is_array()) return type_error(n, path, "an array of strings");
    std::vector<std::string> items;
    std::size_t index = 0;
    for (const toml::node& el : *n.as_array()) {
      if (!el.is_string()) {
        return error(el, path,
                     "expected an array of strings, got " + std::string(type_name(el.type())) + " at index " +
                         std::to_string(index));
      }
      std::string item = el.as_string()->get();
      if (auto e = check_at(el, path, one(item))) return e;
      if (std::find(items.begin(), items.end(), item) != items.end()) {
        return error(el, path, std::string(what) + " " + quote(item) + " is listed twice");
      }
      items.push_back(std::move(item));
      ++index;
    }
    out = std::move(items);
    mark(path, n);
    return std::nullopt;
  }

  // ---- tables
  Err read_discovery(const toml::table& t) {
    for (const auto& [k, v] : in_file_order(t)) {
      const std::string name(k->str());
      const std::string path = "discovery." + name;
      if (std::find(std::begin(kDiscoveryKeys), std::end(kDiscoveryKeys), name) == std::end(kDiscoveryKeys)) {
        return unknown(*k, path, kDiscoveryKeys);
      }
      if (auto e = discovery_key(name, *v, path)) return e;
    }
    return std::nullopt;
  }

  Err discovery_key(const std::string& name, const toml::node& n, const std::string& path) {
    if (name == "tls_cert" || name == "tls_key" || name == "tls_ca") {
      return error(n, path, "TLS is not supported yet (" + name + ")");
    }
    if (name == "tags") {
      if (!n.is_table()) return type_error(n, path, "a table");
      return read_tags(*n.as_table(), path);
    }
    if (name == "service") {
      if (!n.is_array_of_tables()) return type_error(n, path, "an array of tables ([[discovery.service]])");
      std::size_t index = 0;
      for (const toml::node& el : *n.as_array()) {
        if (auto e = read_service(*el.as_table(), path + "[" + std::to_string(index) + "]")) return e;
        ++index;
      }
      return std::nullopt;
    }
    if (name == "seeds") {
      return get_list(n, path, "seed", cfg_.seeds, [](std::string& s) {
        std::string canonical;
        std::string problem = normalize_seed(s, canonical);
        if (problem.empty()) s = canonical;
        return problem;
      });
    }
    if (name == "groups") {
      return get_list(n, path, "group", cfg_.groups, [](std::string& s) { return check_group(s); });
    }
    if (name == "capabilities") {
      return get_list(n, path, "capability", cfg_.capabilities, [](std::string& s) { return check_capability(s); });
    }
    if (name == "gossip_interval_ms") return get(n, path, kIntervalRange, cfg_.gossip_interval_ms);
    if (name == "probe_interval_ms") return get(n, path, kIntervalRange, cfg_.probe_interval_ms);
    if (name == "suspicion_timeout_ms") return get(n, path, kIntervalRange, cfg_.suspicion_timeout_ms);
    if (name == "join_sync_delay_ms") return get(n, path, kJoinSyncRange, cfg_.join_sync_delay_ms);
    if (name == "reconnect_timeout_ms") return get(n, path, kReconnectRange, cfg_.reconnect_timeout_ms);
    if (name == "registry_down_drop_after_ms") return get(n, path, kDownDropRange, cfg_.registry_down_drop_after_ms);
    if (name == "registry_tombstone_retention_ms") {
      return get(n, path, kRetentionRange, cfg_.registry_tombstone_retention_ms);
    }
    if (name == "registry_sync_interval_ms") return get(n, path, kSyncIntervalRange, cfg_.registry_sync_interval_ms);
    if (name == "verify_before_dead") {
      bool on = true;
      if (auto e = get(n, path, on)) return e;
      cfg_.verify_before_dead = on;
      return std::nullopt;
    }

    std::string s;
    if (auto e = get(n, path, s)) return e;
    if (name == "node_name") {
      cfg_.node_name = s;
      return check_at(n, path, check_node_name(s));
    }
    if (name == "bind") return check_at(n, path, parse_bind(s, kDefaultGossipPort, cfg_.bind));
    if (name == "advertise") {
      Address a;
      if (auto e = check_at(n, path, parse_advertise(s, a))) return e;
      cfg_.advertise = a;
      return std::nullopt;
    }
    if (name == "http") {
      cfg_.http_enabled = !s.empty();
      return s.empty() ? std::nullopt : check_at(n, path, parse_bind(s, kDefaultHttpPort, cfg_.http));
    }
    if (name == "profile") {
      if (auto e = check_at(n, path, profile_problem(s))) return e;
      cfg_.profile = *parse_profile(s);
      return std::nullopt;
    }
    if (name == "database_type") {
      cfg_.database_type = s;
      return check_at(n, path, check_text(s, kMaxText));
    }
    if (name == "wire_protocol") {
      cfg_.wire_protocol = s;
      return check_at(n, path, check_text(s, kMaxText));
    }
    if (name == "endpoint") {
      cfg_.endpoint = s;
      return check_at(n, path, check_endpoint(s));
    }
    if (name == "encrypt") {
      cfg_.encrypt = s;
      return check_at(n, path, check_encrypt(s));
    }
    if (name == "keyring_file") {
      cfg_.keyring_file = s;
      return check_at(n, path, check_path(s));
    }
    // snapshot_path, the last key of kDiscoveryKeys handled here.
    cfg_.snapshot_path = s;
    return check_at(n, path, check_path(s));
  }

  Err read_tags(const toml::table& t, const std::string& path) {
    mark(path, t);
    for (const auto& [k, v] : in_file_order(t)) {
      const std::string key(k->str());
      const std::string tag_path = path + "." + key;
      if (auto e = check_at(*v, tag_path, check_tag_key(key))) return e;
      std::string value;
      if (auto e = get(*v, tag_path, value)) return e;
      if (auto e = check_at(*v, tag_path, check_text(value, kMaxTagValue))) return e;
      cfg_.tags[key] = value;
    }
    return std::nullopt;
  }

  // A line for a field a validator named: the field's own, else the table's.
  int line_for(const std::string& path, const toml::table& t) const {
    auto it = cfg_.origins.find(path);
    return it != cfg_.origins.end() ? it->second.line : line_of(t.source());
  }

  // A validator's "field: what" message as an error at that field's key.
  ConfigError field_error(const toml::table& t, const std::string& base, std::string_view message,
                          std::string (*key_of)(std::string_view)) const {
    const auto colon = message.find(": ");
    std::string field = colon == std::string_view::npos ? "" : std::string(message.substr(0, colon));
    const auto dot = field.find('.');  // "headers.X-Y": the table's key
    const std::string key = key_of(dot == std::string::npos ? field : std::string_view(field).substr(0, dot));
    const std::string path = key.empty() ? base : base + "." + key;
    std::string what(colon == std::string_view::npos ? message : message.substr(colon + 2));
    return ConfigError{file_, line_for(path, t), 0, path, std::move(what)};
  }

  Err get_string_map(const toml::node& n, const std::string& path, std::map<std::string, std::string>& out) {
    if (!n.is_table()) return type_error(n, path, "a table of strings");
    mark(path, n);
    for (const auto& [k, v] : in_file_order(*n.as_table())) {
      std::string value;
      if (auto e = get(*v, path + "." + std::string(k->str()), value)) return e;
      out[std::string(k->str())] = std::move(value);
    }
    return std::nullopt;
  }

  Err read_service(const toml::table& t, const std::string& base) {
    ServiceDef def;
    registry::Instance& in = def.instance;
    std::vector<const toml::table*> checks;
    std::vector<std::string> check_paths;
    for (const auto& [k, v] : in_file_order(t)) {
      const std::string name(k->str());
      const std::string path = base + "." + name;
      if (std::find(std::begin(kServiceKeys), std::end(kServiceKeys), name) == std::end(kServiceKeys)) {
        return unknown(*k, path, kServiceKeys);
      }
      Err e;
      if (name == "check") {
        if (!v->is_array_of_tables()) return type_error(*v, path, "an array of tables ([[discovery.service.check]])");
        for (const toml::node& el : *v->as_array()) {
          check_paths.push_back(path + "[" + std::to_string(checks.size()) + "]");
          checks.push_back(el.as_table());
        }
      } else if (name == "port") {
        e = get_count(*v, path, kPortRange, in.port);
      } else if (name == "weight") {
        e = get_count(*v, path, kWeightRange, in.weight);
      } else if (name == "metadata") {
        e = get_string_map(*v, path, in.metadata);
      } else if (name == "tags") {
        std::vector<std::string> tags;
        e = get_list(*v, path, "tag", tags, [](std::string&) { return std::string(); });
        in.tags.insert(tags.begin(), tags.end());
      } else {
        std::string* field = name == "service_name" ? &in.service
                             : name == "instance_id" ? &in.id
                             : name == "host"        ? &in.host
                             : name == "protocol"    ? &in.protocol
                             : name == "version"     ? &in.version
                             : name == "region"      ? &in.region
                             : name == "zone"        ? &in.zone
                             : name == "health_check_url" ? &in.health_check_url
                                                          : &in.metrics_url;
        e = get(*v, path, *field);
      }
      if (e) return e;
    }
    if (auto st = registry::validate_instance(in); !st) {
      return field_error(t, base, st.message(), [](std::string_view f) { return snake_case(f); });
    }
    for (const auto& def_other : cfg_.services) {
      if (def_other.instance.service == in.service && def_other.instance.id == in.id) {
        return ConfigError{file_, line_for(base + ".instance_id", t), 0, base + ".instance_id",
                           "instance " + quote(in.service + "/" + in.id) + " is defined twice"};
      }
    }
    std::vector<health::CheckSpec> specs;
    for (std::size_t i = 0; i < checks.size(); ++i) {
      ServiceCheckDef c;
      if (auto e = read_check(*checks[i], check_paths[i], c)) return e;
      specs.push_back(c.spec);
      def.checks.push_back(std::move(c));
    }
    if (auto st = health::validate_list(specs); !st) {
      // Each spec passed on its own: what is left is an id given twice.
      const std::string& msg = st.message();
      std::size_t i = 0;
      if (msg.rfind("checks[", 0) == 0) i = std::strtoul(msg.c_str() + 7, nullptr, 10);
      const std::size_t at = i < checks.size() ? i : 0;
      const std::string path = checks.empty() ? base : check_paths[at] + ".id";
      const auto colon = msg.find(": ");
      return ConfigError{file_, checks.empty() ? line_of(t.source()) : line_for(path, *checks[at]), 0, path,
                         colon == std::string::npos ? msg : msg.substr(colon + 2)};
    }
    for (std::size_t i = 0; i < specs.size(); ++i) def.checks[i].spec.id = specs[i].id;
    cfg_.services.push_back(std::move(def));
    return std::nullopt;
  }

  Err read_check(const toml::table& t, const std::string& base, ServiceCheckDef& c) {
    health::CheckSpec& s = c.spec;
    bool has_timeout = false;
    for (const auto& [k, v] : in_file_order(t)) {
      const std::string name(k->str());
      const std::string path = base + "." + name;
      if (std::find(std::begin(kCheckKeys), std::end(kCheckKeys), name) == std::end(kCheckKeys)) {
        return unknown(*k, path, kCheckKeys);
      }
      Err e;
      std::int64_t ms = 0;
      auto duration = [&](Duration& d) {
        Err r = get(*v, path, kAnyMs, ms);
        d = std::chrono::milliseconds(ms);
        return r;
      };
      auto count = [&](std::uint32_t& n) {
        Err r = get_count(*v, path, kCountRange, ms);
        n = static_cast<std::uint32_t>(ms);
        return r;
      };
      if (name == "kind") {
        std::string kind;
        if (auto r = get(*v, path, kind)) return r;
        auto parsed = health::parse_check_kind(kind);
        if (!parsed) return error(*v, path, quote(kind) + " is not http, tcp, grpc, ttl, script or alias");
        s.kind = *parsed;
      } else if (name == "interval_ms") {
        e = duration(s.interval);
      } else if (name == "timeout_ms") {
        e = duration(s.timeout);
        has_timeout = true;
      } else if (name == "ttl_ms") {
        e = duration(s.ttl);
      } else if (name == "deregister_critical_after_ms") {
        e = duration(s.deregister_critical_after);
      } else if (name == "start_grace_ms") {
        e = duration(s.start_grace);
      } else if (name == "success_before_passing") {
        e = count(s.success_before_passing);
      } else if (name == "failures_before_warning") {
        e = count(s.failures_before_warning);
      } else if (name == "failures_before_critical") {
        e = count(s.failures_before_critical);
      } else if (name == "tls_skip_verify") {
        e = get(*v, path, s.tls_skip_verify);
      } else if (name == "headers") {
        std::map<std::string, std::string> headers;
        e = get_string_map(*v, path, headers);
        for (auto& [hk, hv] : headers) s.headers.emplace_back(hk, hv);
      } else if (name == "on_critical") {
        if (auto r = get(*v, path, c.on_critical)) return r;
        if (c.on_critical.empty() || c.on_critical.find('\0') != std::string::npos) {
          return error(*v, path, "a command of at least one byte, without NUL");
        }
        if (!cfg_.script_checks) {
          return error(*v, path, "runs a command: needs script checks enabled ([agent] script_checks = true)");
        }
      } else {
        std::string* field = name == "id"       ? &s.id
                             : name == "target" ? &s.target
                             : name == "method" ? &s.method
                             : name == "body"   ? &s.body
                                                : &s.grpc_service;
        e = get(*v, path, *field);
      }
      if (e) return e;
    }
    // As the API does: a timeout left out is at most the interval.
    if (!has_timeout && s.kind != health::CheckKind::ttl && s.timeout > s.interval) s.timeout = s.interval;
    if (s.kind == health::CheckKind::script && !cfg_.script_checks) {
      return ConfigError{file_, line_for(base + ".kind", t), 0, base + ".kind",
                         "a script check runs a command: needs script checks enabled ([agent] script_checks = true)"};
    }
    if (auto st = health::validate(s); !st) return field_error(t, base, st.message(), &check_key);
    return std::nullopt;
  }

  Err agent(const toml::table& t) {
    for (const auto& [k, v] : in_file_order(t)) {
      const std::string name(k->str());
      const std::string path = "agent." + name;
      if (name == "leave_timeout_ms") {
        if (auto e = get(*v, path, kLeaveTimeoutRange, cfg_.leave_timeout_ms)) return e;
      } else if (name == "log_level") {
        std::string s;
        if (auto e = get(*v, path, s)) return e;
        if (auto e = check_at(*v, path, check_log_level(s))) return e;
        cfg_.log_level = s;
      } else if (name == "log_json") {
        bool json = false;
        if (auto e = get(*v, path, json)) return e;
        cfg_.log_format = json ? LogFormat::json : LogFormat::text;
      } else if (name == "allow_unauthenticated_remote") {
        if (auto e = get(*v, path, cfg_.allow_unauthenticated_remote)) return e;
      } else if (name == "token") {
        if (!v->is_array_of_tables()) return type_error(*v, path, "an array of tables ([[agent.token]])");
        mark(path, *v);
        for (const auto& entry : *v->as_array()) {
          if (auto e = token(*entry.as_table())) return e;
        }
      } else if (name == "script_checks") {
        if (auto e = get(*v, path, cfg_.script_checks)) return e;
      } else {
        return unknown(*k, path, kAgentKeys);
      }
    }
    return std::nullopt;
  }

  // One [[agent.token]]: its keys, then its secret read from the file or
  // the environment. Errors name the token, never the secret.
  Err token(const toml::table& t) {
    const std::string path = "agent.token";
    AgentToken tok;
    std::string scope;
    const toml::node* secret_at = nullptr;
    for (const auto& [k, v] : in_file_order(t)) {
      const std::string name(k->str());
      const std::string key = path + "." + name;
      if (name == "name") {
        if (auto e = get(*v, key, tok.name)) return e;
        if (auto e = check_at(*v, key, check_text(tok.name, kMaxText))) return e;
        if (tok.name.empty()) return error(*v, key, "must not be empty");
      } else if (name == "scope") {
        if (auto e = get(*v, key, scope)) return e;
        if (scope != "read" && scope != "write") return error(*v, key, "must be \"read\" or \"write\"");
        tok.scope = scope == "write" ? TokenScope::write : TokenScope::read;
      } else if (name == "secret_file") {
        if (auto e = get(*v, key, tok.secret_file)) return e;
        if (auto e = check_at(*v, key, check_path(tok.secret_file))) return e;
        secret_at = v;
      } else if (name == "secret_env") {
        if (auto e = get(*v, key, tok.secret_env)) return e;
        if (tok.secret_env.empty()) return error(*v, key, "must not be empty");
        secret_at = v;
      } else if (name == "service_prefixes") {
        if (!v->is_array()) return type_error(*v, key, "an array of strings");
        for (const auto& item : *v->as_array()) {
          if (!item.is_string()) return type_error(item, key, "an array of strings");
          const std::string p = item.as_string()->get();
          if (p.empty()) return error(item, key, "a prefix must not be empty (leave the list out for every service)");
          tok.service_prefixes.push_back(p);
        }
      } else {
        return unknown(*k, key, kTokenKeys);
      }
    }
    auto whole = [&](std::string message) { return error(t, path, std::move(message)); };
    if (tok.name.empty()) return whole("a token needs a name (used in logs; never the secret)");
    const std::string who = "token " + tok.name + ": ";
    for (const auto& other : cfg_.tokens) {
      if (other.name == tok.name) return whole(who + "the name is used twice");
    }
    if (scope.empty()) return whole(who + "scope is not set (\"read\" or \"write\")");
    if (tok.secret_file.empty() == tok.secret_env.empty()) {
      return whole(who + "set exactly one of secret_file and secret_env");
    }
    if (!tok.service_prefixes.empty() && tok.scope != TokenScope::write) {
      return whole(who + "service_prefixes only applies to a write token");
    }
    if (!tok.secret_file.empty()) {
      std::string problem = read_secret_file(tok.secret_file, &tok.secret);
      if (!problem.empty()) return error(*secret_at, path + ".secret_file", who + problem);
      if (!tok.secret.empty() && tok.secret.back() == '\n') tok.secret.pop_back();
      if (!tok.secret.empty() && tok.secret.back() == '\r') tok.secret.pop_back();
    } else {
      const char* env = std::getenv(tok.secret_env.c_str());
      if (env == nullptr) {
        return error(*secret_at, path + ".secret_env", who + "the environment variable " + tok.secret_env + " is not set");
      }
      tok.secret = env;
    }
    const std::string key = path + (tok.secret_file.empty() ? ".secret_env" : ".secret_file");
    if (tok.secret.size() < kMinTokenSecret) {
      return error(*secret_at, key,
                   who + "the secret is " + std::to_string(tok.secret.size()) + " bytes; at least " +
                       std::to_string(kMinTokenSecret) + " are needed");
    }
    if (tok.secret.size() > kMaxTokenSecret) {
      return error(*secret_at, key, who + "the secret is over " + std::to_string(kMaxTokenSecret) + " bytes");
    }
    for (unsigned char c : tok.secret) {
      if (c <= 0x20 || c == 0x7f) {
        return error(*secret_at, key, who + "the secret holds whitespace or a control character");
      }
    }
    cfg_.tokens.push_back(std::move(tok));
    return std::nullopt;
  }

  // Reads a secret file whole (at most kMaxTokenSecret + 2 bytes kept);
  // "" or what went wrong.
  static std::string read_secret_file(const std::string& p, std::string* out) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "cannot read " + p + ": " + std::strerror(errno);
    char buf[1024];
    while (true) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        return "cannot read " + p + ": " + std::strerror(err);
      }
      if (n == 0) break;
      out->append(buf, static_cast<std::size_t>(n));
      if (out->size() > kMaxTokenSecret + 2) break;
    }
    ::close(fd);
    return "";
  }

  const std::string& file_;
  AgentConfig& cfg_;
};

ConfigResult<AgentConfig> failed(ConfigError e) {
  std::string message = e.to_string();
  return Failure<ConfigError>{std::move(e), std::move(message)};
}

}  // namespace

ConfigResult<AgentConfig> parse_toml(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return failed(ConfigError{file, static_cast<int>(where.line), static_cast<int>(where.column), "",
                              "invalid TOML: " + std::string(e.description())});
  }
  AgentConfig cfg = AgentConfig::defaults();
  cfg.source = file;
  if (auto e = Reader(file, cfg).root(root)) return failed(std::move(*e));
  if (auto e = validate(cfg)) return failed(std::move(*e));
  return cfg;
}

ConfigResult<AgentConfig> load_file(const std::string& path) {
  auto cannot = [&](int err) {
    return failed(ConfigError{path, 0, 0, "", "cannot read: " + std::string(std::strerror(err))});
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot(errno);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return cannot(EISDIR);
  }
  std::string text;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return cannot(err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileSize) {
      ::close(fd);
      return failed(ConfigError{path, 0, 0, "", "cannot read: larger than 16 MiB"});
    }
  }
  ::close(fd);
  return parse_toml(text, path);
}

}  // namespace wkd::config
