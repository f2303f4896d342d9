// The registry's messages: writers and bounds-checked readers (codec.hpp).
#include "registry/codec.hpp"

#include <algorithm>
#include <string_view>

#include "registry/dependency.hpp"
#include "wire/msgpack.hpp"

namespace wkd::registry {

namespace {

namespace mp = wire::msgpack;

// The number of fields an instance record has (a newer writer may add
// more at the end; they are skipped). A dependency record has two more:
// its kind and its terms.
constexpr std::uint32_t kRecordFields = 27;
constexpr std::uint32_t kDependencyRecordFields = 29;
constexpr std::uint32_t kTermsFields = 6;

// A reader with a sticky error: once a read fails, every later read
// returns a default value, and the first failure is what is reported.
class In {
 public:
  explicit In(ByteView b) : r_(b) {}

  bool ok() const noexcept { return err_.empty(); }
  const std::string& error() const noexcept { return err_; }
  std::size_t remaining() const noexcept { return r_.remaining(); }

  void fail(std::string msg) {
    if (err_.empty()) err_ = std::move(msg);
  }

  template <class R>
  auto take(R&& res) -> std::decay_t<decltype(*res)> {
    if (!res.ok()) {
      fail(res.message());
      return {};
    }
    return std::move(*res);
  }

  std::string str(std::string_view field, std::size_t max) {
    if (!ok()) return {};
    std::string s = take(r_.read_str(field));
    if (ok() && s.size() > max) fail(std::string(field) + ": " + std::to_string(s.size()) + " bytes, over " + std::to_string(max));
    return s;
  }
  std::uint64_t u64(std::string_view field, std::uint64_t max = UINT64_MAX) {
    return ok() ? take(r_.read_uint(field, max)) : 0;
  }
  std::int64_t i64(std::string_view field, std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) {
    return ok() ? take(r_.read_int(field, min, max)) : 0;
  }
  bool boolean(std::string_view field) { return ok() && take(r_.read_bool(field)); }
  ByteView raw(std::string_view field) { return ok() ? take(r_.read_raw(field)) : ByteView{}; }
  // A container header whose count is at most `max` and at most what the
  // rest of the input could hold (every element takes a byte or more).
  std::uint32_t array(std::string_view field, std::size_t max) { return container(field, max, false); }
  std::uint32_t map(std::string_view field, std::size_t max) { return container(field, max, true); }
  void skip(std::string_view field) {
    if (!ok()) return;
    if (auto st = r_.skip(field); !st.ok()) fail(st.message());
  }
  void expect_end(std::string_view what) {
    if (ok() && !r_.at_end()) fail(std::string(what) + ": " + std::to_string(r_.remaining()) + " trailing bytes");
  }

 private:
  std::uint32_t container(std::string_view field, std::size_t max, bool is_map) {
    if (!ok()) return 0;
    const std::uint32_t n = take(is_map ? r_.read_map_header(field) : r_.read_array_header(field));
    const std::size_t room = is_map ? r_.remaining() / 2 : r_.remaining();
    if (ok() && (n > max || n > room)) {
      fail(std::string(field) + ": " + std::to_string(n) + " items, over the limit of " +
           std::to_string(std::min(max, room)));
      return 0;
    }
    return n;
  }

  mp::Reader r_;
  std::string err_;
};

// The header of a positional array of at least `min` fields; a newer
// writer may append fields, which skip_extra() passes over.
std::uint32_t fields(In& in, const std::string& what, std::uint32_t min) {
  const std::uint32_t n = in.array(what, 64);
  if (in.ok() && n < min) in.fail(what + ": " + std::to_string(n) + " fields, expected " + std::to_string(min));
  return n;
}

void skip_extra(In& in, const std::string& what, std::uint32_t n, std::uint32_t known) {
  for (std::uint32_t i = known; i < n && in.ok(); ++i) in.skip(what);
}

Bytes start(MsgType t) { return Bytes{static_cast<std::uint8_t>(t)}; }

// The body after the type byte, if the type is `want`.
Result<ByteView> body_of(ByteView msg, MsgType want, const char* what) {
  if (msg.empty()) return invalid(std::string(what) + ": empty message");
  if (msg[0] != static_cast<std::uint8_t>(want)) {
    return invalid(std::string(what) + ": type byte " + std::to_string(msg[0]) + ", expected " +
                   std::to_string(static_cast<int>(want)));
  }
  return msg.subspan(1);
}

template <class T>
Result<T> finish(In& in, T&& value, const char* what) {
  in.expect_end(what);
  if (!in.ok()) return invalid(std::string(what) + ": " + in.error());
  return std::forward<T>(value);
}

void write_terms(mp::Writer& w, const Dependency& d) {
  w.array_header(kTermsFields);
  w.uint(static_cast<std::uint64_t>(d.type));
  w.boolean(d.required);
  w.str(d.min_version);
  w.str(d.max_version);
  w.str(d.health_check_endpoint);
  w.sint(d.timeout_ms);
}

// The terms of a dependency record keyed (service, dependsOn).
std::shared_ptr<const Dependency> read_terms(In& in, const Instance& r) {
  const std::uint32_t n = fields(in, "record.dependency", kTermsFields);
  Dependency d;
  d.service = r.service;
  d.depends_on = r.id;
  d.type = static_cast<DependencyType>(in.u64("record.dependency.type", static_cast<std::uint64_t>(DependencyType::dev)));
  d.required = in.boolean("record.dependency.required");
  d.min_version = in.str("record.dependency.minVersion", 256);
  d.max_version = in.str("record.dependency.maxVersion", 256);
  d.health_check_endpoint = in.str("record.dependency.healthCheckEndpoint", 4096);
  d.timeout_ms = in.i64("record.dependency.timeoutMs");
  skip_extra(in, "record.dependency", n, kTermsFields);
  return std::make_shared<const Dependency>(std::move(d));
}

void write_record(mp::Writer& w, const WireRecord& wr) {
  const Instance& r = wr.rec;
  const bool dep = r.kind == RecordKind::dependency && r.dependency;
  w.array_header(dep ? kDependencyRecordFields : kRecordFields);
  w.str(r.service);
  w.str(r.id);
  w.str(r.host);
  w.sint(r.port);
  w.str(r.protocol);
  w.str(r.version);
  w.array_header(static_cast<std::uint32_t>(r.tags.size()));
  for (const auto& t : r.tags) w.str(t);
  w.map_header(static_cast<std::uint32_t>(r.metadata.size()));
  for (const auto& [k, v] : r.metadata) {
    w.str(k);
    w.str(v);
  }
  w.sint(r.weight);
  w.str(r.region);
  w.str(r.zone);
  w.str(r.health_check_url);
  w.str(r.metrics_url);
  w.uint(static_cast<std::uint64_t>(r.status));
  w.uint(static_cast<std::uint64_t>(r.check_state));
  w.sint(r.last_check_ms);
  w.uint(r.consecutive_failures);
  w.raw(ByteView(r.uuid.bytes.data(), r.uuid.bytes.size()));
  w.sint(r.registered_ms);
  w.sint(r.updated_ms);
  w.sint(r.deregistered_ms);
  w.str(r.owner);
  w.uint(r.owner_generation);
  w.uint(r.record_version);
  w.uint(r.owner_lamport);
  w.str(r.previous_owner);
  w.uint(wr.prior);
  if (!dep) return;
  w.uint(static_cast<std::uint64_t>(r.kind));
  write_terms(w, *r.dependency);
}

WireRecord read_record(In& in) {
  WireRecord wr;
  const std::uint32_t n = fields(in, "record", kRecordFields);
  Instance& r = wr.rec;
  r.service = in.str("record.service", kMaxServiceName);
  r.id = in.str("record.id", kMaxInstanceId);
  r.host = in.str("record.host", kMaxHost);
  r.port = in.i64("record.port");
  r.protocol = in.str("record.protocol", kMaxProtocol);
  r.version = in.str("record.version", 256);
  const std::uint32_t tags = in.array("record.tags", kMaxTags);
  for (std::uint32_t i = 0; i < tags && in.ok(); ++i) r.tags.insert(in.str("record.tags", kMaxTag));
  const std::uint32_t meta = in.map("record.metadata", kMaxMetadataBytes);
  for (std::uint32_t i = 0; i < meta && in.ok(); ++i) {
    std::string k = in.str("record.metadata key", kMaxMetadataKey);
    std::string v = in.str("record.metadata value", kMaxMetadataBytes);
    r.metadata.emplace(std::move(k), std::move(v));
  }
  r.weight = in.i64("record.weight");
  r.region = in.str("record.region", kMaxLabel);
  r.zone = in.str("record.zone", kMaxLabel);
  r.health_check_url = in.str("record.health_check_url", 4096);
  r.metrics_url = in.str("record.metrics_url", 4096);
  r.status = static_cast<InstanceStatus>(in.u64("record.status", static_cast<std::uint64_t>(InstanceStatus::deregistered)));
  r.check_state = static_cast<CheckState>(in.u64("record.check_state", static_cast<std::uint64_t>(CheckState::critical)));
  r.last_check_ms = in.i64("record.last_check_ms");
  r.consecutive_failures = static_cast<std::uint32_t>(in.u64("record.consecutive_failures", UINT32_MAX));
  const ByteView uuid = in.raw("record.uuid");
  if (in.ok() && uuid.size() != r.uuid.bytes.size()) {
    in.fail("record.uuid: " + std::to_string(uuid.size()) + " bytes, expected 16");
  }
  if (in.ok()) std::copy(uuid.begin(), uuid.end(), r.uuid.bytes.begin());
  r.registered_ms = in.i64("record.registered_ms");
  r.updated_ms = in.i64("record.updated_ms");
  r.deregistered_ms = in.i64("record.deregistered_ms");
  r.owner = in.str("record.owner", kMaxNodeName);
  r.owner_generation = in.u64("record.owner_generation");
  r.record_version = in.u64("record.record_version");
  r.owner_lamport = in.u64("record.owner_lamport");
  r.previous_owner = in.str("record.previous_owner", kMaxNodeName);
  wr.prior = in.u64("record.prior");
  std::uint32_t known = kRecordFields;
  if (n > known) {
    r.kind = static_cast<RecordKind>(in.u64("record.kind", static_cast<std::uint64_t>(RecordKind::dependency)));
    ++known;
    if (r.kind == RecordKind::dependency && n > known) {
      r.dependency = read_terms(in, r);
      ++known;
    }
  }
  for (std::uint32_t i = known; i < n && in.ok(); ++i) in.skip("record (newer field)");
  if (!in.ok()) return wr;
  if (r.owner.empty()) in.fail("record.owner: empty");
  if (r.record_version == 0) in.fail("record.record_version: 0");
  if (wr.prior >= r.record_version) in.fail("record.prior: not below record_version");
  if (in.ok()) {
    if (auto st = validate_record(r); !st.ok()) in.fail("record " + r.service + "/" + r.id + ": " + st.message());
  }
  return wr;
}

void write_shard_version(mp::Writer& w, const ShardVersion& s) {
  w.array_header(3);
  w.str(s.owner);
  w.uint(s.generation);
  w.uint(s.version);
}

ShardVersion read_shard_version(In& in, const char* field) {
  ShardVersion s;
  const std::uint32_t n = fields(in, field, 3);
  s.owner = in.str(field, kMaxNodeName);
  s.generation = in.u64(field);
  s.version = in.u64(field);
  skip_extra(in, field, n, 3);
  return s;
}

void write_shard_state(mp::Writer& w, const ShardState& s) {
  w.array_header(4);
  w.str(s.owner);
  w.uint(s.generation);
  w.uint(s.watermark);
  w.uint(s.gc_version);
}

ShardState read_shard_state(In& in, const char* field) {
  ShardState s;
  const std::uint32_t n = fields(in, field, 4);
  s.owner = in.str(field, kMaxNodeName);
  s.generation = in.u64(field);
  s.watermark = in.u64(field);
  s.gc_version = in.u64(field);
  skip_extra(in, field, n, 4);
  return s;
}

// The fewest bytes a record takes: an array16 header, 26 fields of a byte
// or more (the tags and metadata headers among them) and the 16-byte uuid
// with its header. A record count is checked against the remaining input
// a byte an item; the room reserved is what that input could really hold,
// so a short message claiming 65536 records does not reserve 36 MB.
constexpr std::size_t kMinRecordBytes = 3 + 26 + 17;

std::vector<WireRecord> read_records(In& in) {
  std::vector<WireRecord> out;
  const std::uint32_t n = in.array("records", kMaxRecordsPerMessage);
  out.reserve(std::min<std::size_t>(n, in.remaining() / kMinRecordBytes));
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) out.push_back(read_record(in));
  return out;
}

}  // namespace

void append_record(Bytes& out, const WireRecord& r) {
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  write_record(w, r);
}

std::size_t encoded_size(const WireRecord& r) {
  Bytes b;
  append_record(b, r);
  return b.size();
}

Bytes encode_records(const std::string& from, const std::vector<ByteView>& encoded) {
  Bytes out = start(MsgType::records);
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  w.array_header(2);
  w.str(from);
  w.array_header(static_cast<std::uint32_t>(encoded.size()));
  for (ByteView e : encoded) append(out, e);
  return out;
}

Bytes encode(const RecordsMsg& m) {
  Bytes out = start(MsgType::records);
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  w.array_header(2);
  w.str(m.from);
  w.array_header(static_cast<std::uint32_t>(m.records.size()));
  for (const auto& r : m.records) write_record(w, r);
  return out;
}

std::size_t encoded_size(const ShardVersion& s) {
  Bytes b;
  mp::Writer w(b, wire::msgpack::IntStyle::v2);
  write_shard_version(w, s);
  return b.size();
}

Bytes encode(const AnnounceMsg& m) {
  Bytes out = start(MsgType::announce);
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  w.array_header(2);
  w.str(m.from);
  w.array_header(static_cast<std::uint32_t>(m.shards.size()));
  for (const auto& s : m.shards) write_shard_version(w, s);
  return out;
}

Bytes encode(const SyncMsg& m) {
  Bytes out = start(MsgType::sync);
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  w.array_header(3);
  w.str(m.from);
  w.uint(m.buckets);
  w.array_header(static_cast<std::uint32_t>(m.hashes.size()));
  for (std::uint64_t h : m.hashes) w.uint(h);
  return out;
}

Bytes encode(const SyncReply& m) {
  Bytes out = start(MsgType::sync_reply);
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  w.array_header(1);
  w.array_header(static_cast<std::uint32_t>(m.shards.size()));
  for (const auto& s : m.shards) write_shard_state(w, s);
  return out;
}

Bytes encode(const PullMsg& m) {
  Bytes out = start(MsgType::pull);
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  w.array_header(3);
  w.str(m.from);
  w.uint(m.max_bytes);
  w.array_header(static_cast<std::uint32_t>(m.shards.size()));
  for (const auto& s : m.shards) write_shard_version(w, s);
  return out;
}

Bytes encode(const PullReply& m) {
  Bytes out = start(MsgType::pull_reply);
  mp::Writer w(out, wire::msgpack::IntStyle::v2);
  w.array_header(1);
  w.array_header(static_cast<std::uint32_t>(m.sections.size()));
  for (const auto& s : m.sections) {
    w.array_header(4);
    write_shard_state(w, s.state);
    w.boolean(s.complete);
    w.boolean(s.full);
    w.array_header(static_cast<std::uint32_t>(s.records.size()));
    for (const auto& r : s.records) write_record(w, r);
  }
  return out;
}

Result<MsgType> peek_type(ByteView msg) {
  if (msg.empty()) return invalid("registry message: empty");
  if (msg[0] < static_cast<std::uint8_t>(MsgType::records) || msg[0] > static_cast<std::uint8_t>(MsgType::pull_reply)) {
    return invalid("registry message: unknown type byte " + std::to_string(msg[0]));
  }
  return static_cast<MsgType>(msg[0]);
}

Result<RecordsMsg> decode_records(ByteView msg) {
  auto body = body_of(msg, MsgType::records, "records");
  if (!body) return std::move(body).failure();
  In in(*body);
  RecordsMsg m;
  const std::uint32_t n = fields(in, "records message", 2);
  m.from = in.str("records.from", kMaxNodeName);
  m.records = read_records(in);
  skip_extra(in, "records message", n, 2);
  return finish(in, std::move(m), "records");
}

Result<AnnounceMsg> decode_announce(ByteView msg) {
  auto body = body_of(msg, MsgType::announce, "announce");
  if (!body) return std::move(body).failure();
  In in(*body);
  AnnounceMsg m;
  const std::uint32_t f = fields(in, "announce message", 2);
  m.from = in.str("announce.from", kMaxNodeName);
  const std::uint32_t n = in.array("announce.shards", kMaxShardsPerMessage);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) m.shards.push_back(read_shard_version(in, "announce.shard"));
  skip_extra(in, "announce message", f, 2);
  return finish(in, std::move(m), "announce");
}

Result<SyncMsg> decode_sync(ByteView msg) {
  auto body = body_of(msg, MsgType::sync, "sync");
  if (!body) return std::move(body).failure();
  In in(*body);
  SyncMsg m;
  const std::uint32_t f = fields(in, "sync message", 3);
  m.from = in.str("sync.from", kMaxNodeName);
  m.buckets = static_cast<std::uint32_t>(in.u64("sync.buckets", kMaxSyncBuckets));
  if (in.ok() && (m.buckets == 0 || (m.buckets & (m.buckets - 1)) != 0)) {
    in.fail("sync.buckets: " + std::to_string(m.buckets) + " is not a power of two");
  }
  const std::uint32_t n = in.array("sync.hashes", kMaxSyncBuckets);
  if (in.ok() && n != m.buckets) in.fail("sync.hashes: " + std::to_string(n) + " hashes for " + std::to_string(m.buckets) + " buckets");
  m.hashes.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) m.hashes.push_back(in.u64("sync.hash"));
  skip_extra(in, "sync message", f, 3);
  return finish(in, std::move(m), "sync");
}

Result<SyncReply> decode_sync_reply(ByteView msg) {
  auto body = body_of(msg, MsgType::sync_reply, "sync reply");
  if (!body) return std::move(body).failure();
  In in(*body);
  SyncReply m;
  const std::uint32_t f = fields(in, "sync reply", 1);
  const std::uint32_t n = in.array("sync reply.shards", kMaxShardsPerMessage);
  m.shards.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) m.shards.push_back(read_shard_state(in, "sync reply.shard"));
  skip_extra(in, "sync reply", f, 1);
  return finish(in, std::move(m), "sync reply");
}

Result<PullMsg> decode_pull(ByteView msg) {
  auto body = body_of(msg, MsgType::pull, "pull");
  if (!body) return std::move(body).failure();
  In in(*body);
  PullMsg m;
  const std::uint32_t f = fields(in, "pull message", 3);
  m.from = in.str("pull.from", kMaxNodeName);
  m.max_bytes = in.u64("pull.max_bytes");
  const std::uint32_t n = in.array("pull.shards", kMaxShardsPerMessage);
  m.shards.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) m.shards.push_back(read_shard_version(in, "pull.shard"));
  skip_extra(in, "pull message", f, 3);
  return finish(in, std::move(m), "pull");
}

Result<PullReply> decode_pull_reply(ByteView msg) {
  auto body = body_of(msg, MsgType::pull_reply, "pull reply");
  if (!body) return std::move(body).failure();
  In in(*body);
  PullReply m;
  const std::uint32_t f = fields(in, "pull reply", 1);
  const std::uint32_t n = in.array("pull reply.sections", kMaxShardsPerMessage);
  m.sections.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    PullSection s;
    const std::uint32_t sf = fields(in, "pull reply.section", 4);
    s.state = read_shard_state(in, "pull reply.section.shard");
    s.complete = in.boolean("pull reply.section.complete");
    s.full = in.boolean("pull reply.section.full");
    s.records = read_records(in);
    for (const auto& r : s.records) {
      if (!in.ok()) break;
      if (r.rec.owner != s.state.owner || r.rec.owner_generation != s.state.generation) {
        in.fail("pull reply.section: a record of " + r.rec.owner + " in the section of " + s.state.owner);
      }
    }
    skip_extra(in, "pull reply.section", sf, 4);
    m.sections.push_back(std::move(s));
  }
  skip_extra(in, "pull reply", f, 1);
  return finish(in, std::move(m), "pull reply");
}

}  // namespace wkd::registry
