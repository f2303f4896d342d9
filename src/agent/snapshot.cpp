#include "agent/snapshot.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/address.hpp"
#include "common/base64.hpp"
#include "wire/keyring.hpp"

namespace wkd::agent {

namespace {

constexpr int kFormat = 1;
// Far above any real cluster (a member is ~60 bytes of JSON).
constexpr std::size_t kMaxSnapshotBytes = 64u << 20;
using Json = nlohmann::json;

SnapshotResult<Snapshot> corrupt(const std::string& what) {
  return SnapshotResult<Snapshot>::fail(SnapshotErr::corrupt, what);
}

bool get_u64(const Json& j, const char* key, std::uint64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  *out = it->get<std::uint64_t>();
  return true;
}

}  // namespace

std::string encode_snapshot(const Snapshot& s) {
  Json peers = Json::array();
  for (const auto& p : s.peers) peers.push_back({{"name", p.name}, {"address", p.address}});
  Json j = {{"format", kFormat},
            {"node", s.node},
            {"saved_unix_ms", s.saved_unix_ms},
            {"clocks", {{"member", s.member_clock}, {"event", s.event_clock}, {"query", s.query_clock}}},
            {"peers", peers},
            {"keyring", s.keys}};
  return j.dump(2) + "\n";
}

SnapshotResult<Json> parse_state_object(const std::string& text) {
  using R = SnapshotResult<Json>;
  if (text.empty()) return R::fail(SnapshotErr::corrupt, "empty (0 bytes)");
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte counts from 1 and points just past the byte that failed.
    const std::size_t at = e.byte == 0 ? 0 : e.byte - 1;
    return R::fail(SnapshotErr::corrupt, "not valid JSON at byte offset " + std::to_string(at) + " of " +
                                             std::to_string(text.size()) + (at >= text.size() ? " (truncated)" : ""));
  }
  if (!j.is_object()) return R::fail(SnapshotErr::corrupt, "not a JSON object");
  return j;
}

SnapshotResult<Snapshot> decode_snapshot(const std::string& text) {
  auto parsed = parse_state_object(text);
  if (!parsed.ok()) return corrupt(parsed.message());
  Json j = std::move(parsed).value();
  Snapshot s;
  auto fmt = j.find("format");
  if (fmt == j.end() || !fmt->is_number_integer()) return corrupt("no \"format\" number");
  if (fmt->get<std::int64_t>() != kFormat) {
    return corrupt("format " + std::to_string(fmt->get<std::int64_t>()) + " is not " + std::to_string(kFormat));
  }
  auto node = j.find("node");
  if (node == j.end() || !node->is_string()) return corrupt("\"node\" is not a string");
  s.node = node->get<std::string>();
  auto saved = j.find("saved_unix_ms");
  if (saved != j.end()) {
    if (!saved->is_number_integer()) return corrupt("\"saved_unix_ms\" is not an integer");
    s.saved_unix_ms = saved->get<std::int64_t>();
  }
  auto clocks = j.find("clocks");
  if (clocks == j.end() || !clocks->is_object()) return corrupt("\"clocks\" is not an object");
  if (!get_u64(*clocks, "member", &s.member_clock) || !get_u64(*clocks, "event", &s.event_clock) ||
      !get_u64(*clocks, "query", &s.query_clock)) {
    return corrupt("\"clocks\" needs unsigned \"member\", \"event\" and \"query\"");
  }
  auto peers = j.find("peers");
  if (peers == j.end() || !peers->is_array()) return corrupt("\"peers\" is not an array");
  for (const Json& p : *peers) {
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !p.contains("address") ||
        !p["address"].is_string()) {
      return corrupt("a peer needs string \"name\" and \"address\"");
    }
    SnapshotPeer peer{p["name"].get<std::string>(), p["address"].get<std::string>()};
    if (!parse_address(peer.address)) return corrupt("peer " + peer.name + " has a bad address '" + peer.address + "'");
    s.peers.push_back(std::move(peer));
  }
  auto keys = j.find("keyring");
  if (keys != j.end()) {
    if (!keys->is_array()) return corrupt("\"keyring\" is not an array");
    for (const Json& k : *keys) {
      if (!k.is_string()) return corrupt("a keyring entry is not a string");
      auto raw = base64_decode(k.get<std::string>());
      if (!raw || !wire::Keyring::validate_key(*raw).ok()) {
        return corrupt("a keyring entry is not a base64 key of 16, 24 or 32 bytes");
      }
      s.keys.push_back(k.get<std::string>());
    }
  }
  return s;
}

SnapshotResult<std::optional<std::string>> read_state_file(const std::string& path) {
  using R = SnapshotResult<std::optional<std::string>>;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return R::fail(SnapshotErr::io, path + ": cannot read: " + std::strerror(errno));
  }
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return R::fail(SnapshotErr::io, path + ": cannot read: " + std::strerror(e));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxSnapshotBytes) {
      ::close(fd);
      return R::fail(SnapshotErr::corrupt, path + ": larger than " + std::to_string(kMaxSnapshotBytes) + " bytes");
    }
  }
  ::close(fd);
  return std::optional<std::string>(std::move(text));
}

SnapshotResult<std::optional<Snapshot>> load_snapshot(const std::string& path) {
  using R = SnapshotResult<std::optional<Snapshot>>;
  auto text = read_state_file(path);
  if (!text.ok()) return R::fail(text.code(), text.message());
  if (!*text) return std::optional<Snapshot>();
  auto s = decode_snapshot(**text);
  if (!s.ok()) return R::fail(SnapshotErr::corrupt, path + ": " + s.message());
  return std::optional<Snapshot>(std::move(*s));
}

wkd::Status<SnapshotErr> save_snapshot(const std::string& path, const Snapshot& s) {
  return write_state_file(path, encode_snapshot(s));
}

wkd::Status<SnapshotErr> write_state_file(const std::string& path, const std::string& text) {
  using S = wkd::Status<SnapshotErr>;
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return S::fail(SnapshotErr::io, tmp + ": cannot create: " + std::strerror(errno));
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return S::fail(SnapshotErr::io, tmp + ": cannot write: " + std::strerror(e));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return S::fail(SnapshotErr::io, tmp + ": cannot sync: " + std::strerror(e));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return S::fail(SnapshotErr::io, path + ": cannot replace: " + std::strerror(e));
  }
  return {};
}

}  // namespace wkd::agent
