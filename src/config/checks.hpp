// Checks of single configuration values, shared by the TOML reader, the
// command-line overrides and validate(): each takes the raw value and
// returns "" or a message saying what is wrong with it (quoting the value,
// except a secret). Where the value is parsed, the result goes to `out`.
// Internal to src/config.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "config/agent_config.hpp"

namespace wkd::config::detail {

struct Range {
  std::int64_t lo;
  std::int64_t hi;
};
inline constexpr Range kIntervalRange{1, 3'600'000};  // 1 ms .. 1 hour
inline constexpr Range kLeaveTimeoutRange{0, 600'000};  // 0 .. 10 minutes
inline constexpr Range kJoinSyncRange{0, 3'600'000};    // 0 (off) .. 1 hour
inline constexpr Range kReconnectRange{1000, 31'536'000'000};  // 1 s .. 365 days
inline constexpr Range kDownDropRange{1000, 604'800'000};      // 1 s .. 7 days
inline constexpr Range kRetentionRange{1000, 31'536'000'000};  // 1 s .. 365 days
inline constexpr Range kSyncIntervalRange{100, 600'000};       // 100 ms .. 10 minutes
// suspicion_timeout_ms may be at most this many probe intervals
// (swim::validate() bounds suspicion_mult to [1, 100]).
inline constexpr int kMaxSuspicionMult = 100;
inline constexpr std::size_t kMaxNodeName = 128;
inline constexpr std::size_t kMaxText = 128;  // database_type, capabilities, tag keys...
inline constexpr std::size_t kMaxTagValue = 512;  // the whole node meta is 512 bytes

// "\"text\"" with control characters escaped, for messages.
std::string quote(std::string_view s);

// "" or "<v> is out of range; it must be lo..hi (<unit>)".
std::string check_range(std::int64_t v, Range r, std::string_view unit);

std::string check_node_name(std::string_view s);
// IP literal, port optional (default), 0 allowed.
std::string parse_bind(std::string_view s, std::uint16_t default_port, Address& out);
// IP literal and port 1-65535, not the unspecified address.
std::string parse_advertise(std::string_view s, Address& out);
// A seed: IP literal or host name, port optional (7474); `out` gets the
// canonical "host:port" (IP literals in Address::to_string form).
std::string normalize_seed(std::string_view s, std::string& out);
// 0.0.0.0 or [::].
bool is_unspecified(const Address& a) noexcept;

// lan, wan or local.
std::optional<Profile> parse_profile(std::string_view s);
std::string profile_problem(std::string_view s);
std::string check_group(std::string_view s);
std::string check_capability(std::string_view s);
std::string check_endpoint(std::string_view s);
// database_type, wire_protocol, tag values: no control characters, bounded.
std::string check_text(std::string_view s, std::size_t max);
std::string check_path(std::string_view s);
// "" or a message about the key's encoding or length (never the key itself).
std::string check_encrypt(std::string_view s);
std::string check_tag_key(std::string_view s);
std::string check_log_level(std::string_view s);

// The first value listed twice, quoted, or "".
std::string find_duplicate(const std::vector<std::string>& items);

// The edit distance between two keys, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace wkd::config::detail
