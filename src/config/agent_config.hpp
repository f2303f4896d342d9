// The `wkd agent` configuration: the [discovery] table of a TOML file,
// command-line overrides on top, validation, and the effective values.
//
// Loading never half-succeeds: either every key is read, typed, in range and
// consistent, or the result is an error naming the file, the line and the
// key. Nothing here opens a socket or resolves a name (the only system call
// is gethostname(), for the default node name); the agent maps the result
// onto a node.
//
// Bounds (the messages repeat them):
//   gossip_interval_ms, probe_interval_ms, suspicion_timeout_ms  1..3600000
//   suspicion_timeout_ms  >= the probe interval, <= 100 probe intervals
//   leave_timeout_ms      0..600000
//   node_name             1..128 bytes, no whitespace or control characters
//   addresses             bind, http: IP literal, port optional, 0 = any;
//                         advertise: IP literal and port 1-65535, not 0.0.0.0/[::];
//                         seeds: IP literal or host name, port optional (7474);
//                         IPv6 always in brackets ("[::1]:7474")
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/result.hpp"
#include "common/time.hpp"
#include "health/check.hpp"
#include "registry/instance.hpp"
#include "swim/config.hpp"

namespace wkd::config {

inline constexpr std::uint16_t kDefaultGossipPort = 7474;
inline constexpr std::uint16_t kDefaultHttpPort = 7475;

enum class Profile : std::uint8_t { lan, wan, local };
const char* profile_name(Profile p) noexcept;

enum class LogFormat : std::uint8_t { text, json };

// A bearer token of the HTTP API ([[agent.token]]). The secret is read when
// the file is loaded, from a file (one trailing newline dropped) or an
// environment variable, and is never printed or logged: name identifies the
// token in logs and errors.
enum class TokenScope : std::uint8_t { read, write };
inline constexpr std::size_t kMinTokenSecret = 16;
inline constexpr std::size_t kMaxTokenSecret = 4096;
struct AgentToken {
  std::string name;
  TokenScope scope = TokenScope::read;
  std::string secret_file;  // exactly one of secret_file and secret_env
  std::string secret_env;
  // Write tokens only: the services this token may write are those whose
  // name starts with one of these; empty = every service (and the
  // membership API's writes).
  std::vector<std::string> service_prefixes;
  std::string secret;
};

// A check of a service defined in the file ([[discovery.service.check]]):
// the health check's spec, and the command the shell runs when the
// instance turns critical because of it ("" = none; needs script checks).
struct ServiceCheckDef {
  health::CheckSpec spec;
  std::string on_critical;
  friend bool operator==(const ServiceCheckDef&, const ServiceCheckDef&) = default;
};

// A service instance defined in the file ([[discovery.service]]): the
// registration, checked by registry::validate_instance, and its checks,
// checked by health::validate_list. The agent registers it at start.
struct ServiceDef {
  registry::Instance instance;
  std::vector<ServiceCheckDef> checks;
  bool operator==(const ServiceDef& o) const;
};

struct AgentConfig {
  // [discovery]
  std::string node_name;             // default: the host name
  Address bind = Address::v4(0, 0, 0, 0, kDefaultGossipPort);
  std::optional<Address> advertise;  // unset = the bound address
  std::vector<std::string> seeds;    // "host:port", "[::1]:7474", names allowed;
                                     // stored with the port ("a.example:7474")
  Profile profile = Profile::lan;
  std::optional<std::int64_t> gossip_interval_ms;    // unset = the profile's
  std::optional<std::int64_t> probe_interval_ms;     // unset = the profile's
  std::optional<std::int64_t> suspicion_timeout_ms;  // unset = derived from the profile
  bool verify_before_dead = true;    // probe a suspect once more before declaring it failed
  std::optional<std::int64_t> join_sync_delay_ms;    // unset = the profile's; 0 = off
  // How long a failed or left member is kept (and retried) before it is
  // reaped, as serf's reconnect_timeout.
  std::int64_t reconnect_timeout_ms = 24LL * 3600 * 1000;
  // The registry (docs/registry.md): how long a failed owner's instances
  // stay DOWN before they are dropped, how long a deregistered instance is
  // kept for audit, and how often anti-entropy runs (jittered).
  std::int64_t registry_down_drop_after_ms = 3600LL * 1000;
  std::int64_t registry_tombstone_retention_ms = 24LL * 3600 * 1000;
  std::int64_t registry_sync_interval_ms = 5000;
  Address http = Address::v4(127, 0, 0, 1, kDefaultHttpPort);
  bool http_enabled = true;          // http = "" disables the HTTP API
  std::vector<std::string> groups;
  std::string database_type;
  std::string wire_protocol;
  std::string endpoint;
  std::vector<std::string> capabilities;
  std::string encrypt;               // base64 key as serf's (16, 24 or 32 bytes)
  std::string keyring_file;          // JSON array of base64 keys, as serf's
  std::string snapshot_path;
  std::map<std::string, std::string> tags;  // [discovery.tags]
  std::vector<ServiceDef> services;         // [[discovery.service]], in file order
  // Agent behaviour (command line, or [agent] in the file).
  std::int64_t leave_timeout_ms = 5000;
  std::string log_level = "info";    // trace, debug, info, warn, error
  LogFormat log_format = LogFormat::text;
  // [[agent.token]]: with none, the HTTP API is unauthenticated and must
  // listen on a loopback address unless allow_unauthenticated_remote.
  std::vector<AgentToken> tokens;
  bool allow_unauthenticated_remote = false;
  // Script checks and on_critical commands run programs: off unless set.
  bool script_checks = false;
  std::string source;                // the file it came from ("" = none)

  // Where each setting came from, so that validate() can point at it: the
  // dotted key ("discovery.bind", "discovery.tags.rack") -> its line in
  // `source`, or the command-line flag that last set it. Keys never set
  // are absent (their errors name the key without a line).
  struct Origin {
    int line = 0;
    std::string flag;  // "--bind"; "" = from the file
  };
  std::map<std::string, Origin> origins;

  // Every default, with the host name as node_name (a name that is not a
  // usable node name is left for validate() to report).
  static AgentConfig defaults();

  // The memberlist configuration the profile and the knobs above give:
  // the preset, then gossip/probe intervals (a probe interval below the
  // preset's probe timeout brings the timeout down to half the interval),
  // then the suspicion multiplier derived from suspicion_timeout_ms (see
  // suspicion_mult_for()). advertise is the advertise address, else the
  // bound one (the agent replaces a wildcard by an interface address).
  swim::Config swim() const;
  // The probe interval swim() uses, in ms (set or the profile's).
  std::int64_t effective_probe_interval_ms() const;
  // The decoded encryption key ("" = none); valid after load().
  Bytes encrypt_key() const;
};

// The suspicion multiplier whose minimum suspicion timeout
// (mult * max(1, log10(n)) * probe_interval, with n = 1) is at least
// `timeout_ms`: ceil(timeout_ms / probe_interval_ms), at least 1.
int suspicion_mult_for(std::int64_t timeout_ms, std::int64_t probe_interval_ms) noexcept;

struct ConfigError {
  std::string file;  // "" for command-line errors
  int line = 0;      // 0 when unknown
  int column = 0;    // 0 when unknown (only TOML syntax errors have one)
  std::string key;   // "discovery.bind", "--join", ...
  std::string message;
  // "FILE:LINE[:COL]: discovery.bind: <message>" (parts left out when unknown).
  std::string to_string() const;
};

// A failure's code is the ConfigError itself; its message is to_string().
template <class T>
using ConfigResult = wkd::Result<T, ConfigError>;

// Parses TOML text (`file` names it in errors). Unknown keys, wrong types,
// out-of-range values and inconsistent settings are errors. Top-level
// tables (and arrays of tables) other than [discovery] and [agent] belong to
// other components and are skipped; any other top-level key is an error.
ConfigResult<AgentConfig> parse_toml(std::string_view text, const std::string& file);
// Reads and parses a file; an unreadable file is an error naming it.
ConfigResult<AgentConfig> load_file(const std::string& path);

// Command-line overrides, applied on top of a loaded file (or
// AgentConfig::defaults()). Every field unset leaves the file's value. The
// flag each field is reported as in errors is given beside it.
struct Overrides {
  std::optional<std::string> node_name;      // --node-name
  std::optional<std::string> bind;           // --bind
  std::optional<std::string> advertise;      // --advertise ("" = unset)
  std::optional<std::string> http;           // --http ("" = disabled)
  std::optional<std::string> profile;        // --profile
  std::optional<std::string> encrypt;        // --encrypt ("" = none)
  std::optional<std::string> snapshot_path;  // --snapshot-path
  std::vector<std::string> join;             // --join; replaces seeds when not empty
  std::optional<std::string> log_level;      // --log-level
  std::optional<bool> log_json;              // --log-json
  std::optional<std::string> database_type;  // --database-type
  std::optional<std::string> wire_protocol;  // --wire-protocol
  std::optional<std::string> endpoint;       // --endpoint
  std::vector<std::string> groups;           // --group; replaces groups when not empty
  std::vector<std::string> tags;             // --tag "key=value", added/replacing
};
ConfigResult<AgentConfig> apply_overrides(AgentConfig cfg, const Overrides& o);

// Every rule on the values themselves plus the checks that need the whole
// picture (after overrides): suspicion timeout against the probe interval,
// HTTP against the gossip port, identity and tags within memberlist's
// 512-byte node meta, swim::validate(). parse/apply call it. (TLS keys are
// refused by the reader: AgentConfig has no field for them yet.)
std::optional<ConfigError> validate(const AgentConfig& cfg);

// The effective configuration as TOML that parse_toml() reads back to the
// same configuration: every key with its value (defaults and the profile's
// intervals included), derived timing as a comment. The encryption key is
// printed only when `show_secrets`; otherwise a comment says one is set
// (and reading the output back gives no key).
std::string print_effective(const AgentConfig& cfg, bool show_secrets = false);

}  // namespace wkd::config
