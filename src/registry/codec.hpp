// The registry's messages between wkd nodes: their types and their bytes.
//
// Every message is one type byte in the wkd range (serf/wkd_messages.hpp)
// followed by one msgpack array; docs/wire.md §16 gives the layouts. Over
// gossip (UDP, relayed between wkd nodes only):
//
//   0xE0 records   [from, [record...]]          changes small enough to ride inline
//   0xE1 announce  [from, [[owner, gen, version]...]]  "there is something newer": pull it
//
// Over the request/response stream (Serf::request_wkd, TCP):
//
//   0xE2 sync      [from, buckets, [hash...]]   the requester's digest, hashed
//   0xE3 sync reply  [[owner, gen, watermark, gc]...]  the responder's shards
//                                               of the buckets that differ
//   0xE4 pull      [from, max_bytes, [[owner, gen, after]...]]
//   0xE5 pull reply  [[owner, gen, watermark, gc, complete, full, [record...]]...]
//
// A record is a positional array of the instance's replicated fields (the
// owner-only state never travels) plus `prior`, the version the change
// replaced within its shard (0: the record is new to the shard), which lets
// a receiver count versions it no longer needs. Decoders are
// bounds-checked and refuse what a writer would not produce (a record that
// fails validate_record, a status out of range, more items than the
// limits below), naming the field; they never allocate more than the
// input's size implies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "registry/errors.hpp"
#include "registry/instance.hpp"

namespace wkd::registry {

enum class MsgType : std::uint8_t {
  records = 0xE0,
  announce = 0xE1,
  sync = 0xE2,
  sync_reply = 0xE3,
  pull = 0xE4,
  pull_reply = 0xE5,
};

// Limits a decoder enforces (a writer stays within them).
inline constexpr std::size_t kMaxRecordsPerMessage = 65536;
inline constexpr std::size_t kMaxShardsPerMessage = 65536;
inline constexpr std::uint32_t kMaxSyncBuckets = 4096;
inline constexpr std::size_t kMaxNodeName = 512;

// A record as it travels: the instance and the version its change replaced.
struct WireRecord {
  Instance rec;
  std::uint64_t prior = 0;
};

struct ShardVersion {  // announce, pull
  std::string owner;
  std::uint64_t generation = 0;
  std::uint64_t version = 0;  // announce: the newest; pull: "after"
  friend bool operator==(const ShardVersion&, const ShardVersion&) = default;
};

struct ShardState {  // sync reply
  std::string owner;
  std::uint64_t generation = 0;
  std::uint64_t watermark = 0;  // every change up to it is held (or superseded)
  std::uint64_t gc_version = 0;
  friend bool operator==(const ShardState&, const ShardState&) = default;
};

struct RecordsMsg {
  std::string from;
  std::vector<WireRecord> records;
};

struct AnnounceMsg {
  std::string from;
  std::vector<ShardVersion> shards;
};

struct SyncMsg {
  std::string from;
  std::uint32_t buckets = 1;  // a power of two, 1..kMaxSyncBuckets
  std::vector<std::uint64_t> hashes;  // one per bucket
};

struct SyncReply {
  std::vector<ShardState> shards;
};

struct PullMsg {
  std::string from;
  std::uint64_t max_bytes = 0;
  std::vector<ShardVersion> shards;
};

struct PullSection {
  ShardState state;        // the responder's shard
  bool complete = false;   // every record after `after` is in this reply
  bool full = false;       // the whole shard from the start (the requester was behind its GC)
  std::vector<WireRecord> records;  // in version order
};

struct PullReply {
  std::vector<PullSection> sections;
};

// ---- writers (type byte included) ----
void append_record(Bytes& out, const WireRecord& r);
// One record alone, as it sits in a records message (to size a batch).
std::size_t encoded_size(const WireRecord& r);
// One [owner, generation, version] as it sits in an announce or a pull.
std::size_t encoded_size(const ShardVersion& s);
Bytes encode(const RecordsMsg& m);
// A records message from records already encoded by append_record.
Bytes encode_records(const std::string& from, const std::vector<ByteView>& encoded);
Bytes encode(const AnnounceMsg& m);
Bytes encode(const SyncMsg& m);
Bytes encode(const SyncReply& m);
Bytes encode(const PullMsg& m);
Bytes encode(const PullReply& m);

// ---- readers (the whole message, type byte included) ----
// The type of a message, if the first byte is one of the above.
Result<MsgType> peek_type(ByteView msg);
Result<RecordsMsg> decode_records(ByteView msg);
Result<AnnounceMsg> decode_announce(ByteView msg);
Result<SyncMsg> decode_sync(ByteView msg);
Result<SyncReply> decode_sync_reply(ByteView msg);
Result<PullMsg> decode_pull(ByteView msg);
Result<PullReply> decode_pull_reply(ByteView msg);

}  // namespace wkd::registry
