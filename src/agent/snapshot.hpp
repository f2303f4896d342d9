// The agent's snapshot (snapshot_path): what a restarted agent needs to
// rejoin its cluster without seeds, as serf's snapshot does — the members
// it last knew alive, the three Lamport clocks (so old user events are not
// delivered again), and the keyring (so keys rotated at run time survive).
//
// The file is JSON, replaced atomically (write to FILE.tmp, fsync, rename),
// so a crash leaves the previous version or the new one, never a mix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace wkd::agent {

struct SnapshotPeer {
  std::string name;
  std::string address;  // "ip:port" / "[v6]:port"
  friend bool operator==(const SnapshotPeer&, const SnapshotPeer&) = default;
};

struct Snapshot {
  std::string node;
  std::uint64_t member_clock = 0, event_clock = 0, query_clock = 0;
  std::vector<SnapshotPeer> peers;
  std::vector<std::string> keys;  // base64, primary first
  std::int64_t saved_unix_ms = 0;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

enum class SnapshotErr : std::uint8_t { io, corrupt };
template <class T>
using SnapshotResult = wkd::Result<T, SnapshotErr>;

std::string encode_snapshot(const Snapshot& s);
// Checks every field; the message names what is wrong, and for text that
// is not JSON (a truncated file) the byte offset where it stops being JSON.
SnapshotResult<Snapshot> decode_snapshot(const std::string& text);

// nullopt when the file does not exist.
SnapshotResult<std::optional<Snapshot>> load_snapshot(const std::string& path);
wkd::Status<SnapshotErr> save_snapshot(const std::string& path, const Snapshot& s);

// The agent's state files (the snapshot, the API registrations): read
// whole (nullopt when the file does not exist; over 64 MiB is corrupt),
// and replaced atomically as described above.
SnapshotResult<std::optional<std::string>> read_state_file(const std::string& path);
// A state file's text as a JSON object, or why it is corrupt (empty, the
// byte offset where it stops being JSON, not an object).
SnapshotResult<nlohmann::json> parse_state_object(const std::string& text);
wkd::Status<SnapshotErr> write_state_file(const std::string& path, const std::string& text);

}  // namespace wkd::agent
