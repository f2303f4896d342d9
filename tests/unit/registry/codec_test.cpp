// The registry's messages (codec.hpp): every message type survives its own
// encoding with every field set; the decoders refuse what a writer would
// not produce, naming the field (never a crash, whatever the cut); and a
// newer writer's extra trailing fields are skipped.
#include "registry/codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "registry/dependency.hpp"
#include "wire/msgpack.hpp"

namespace wkd::registry {
namespace {

WireRecord full_record(const std::string& owner = "node-b", std::uint64_t version = 12) {
  WireRecord wr;
  Instance& r = wr.rec;
  r.service = "orders";
  r.id = "orders-1";
  r.host = "127.0.2.3";
  r.port = 8443;
  r.protocol = "grpc";
  r.version = "2.1.0-rc.1+build.7";
  r.tags = {"blue", "primary"};
  r.metadata = {{"team", "payments"}, {"tier", "1"}, {"empty", ""}};
  r.weight = 250;
  r.region = "eu-west";
  r.zone = "eu-west-1a";
  r.health_check_url = "http://127.0.2.3:8443/health";
  r.metrics_url = "https://127.0.2.3:9090/metrics";
  r.status = InstanceStatus::healthy;
  r.check_state = CheckState::warning;
  r.last_check_ms = 1'800'000'000'500;
  r.consecutive_failures = 3;
  for (std::size_t i = 0; i < r.uuid.bytes.size(); ++i) r.uuid.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  r.registered_ms = 1'800'000'000'000;
  r.updated_ms = 1'800'000'000'400;
  r.deregistered_ms = -1;  // signed: any value travels
  r.owner = owner;
  r.owner_generation = 0xFFFFFFFFFFFFFFF0ULL;
  r.owner_lamport = 77;
  r.record_version = version;
  r.previous_owner = "node-a";
  wr.prior = version - 1;
  return wr;
}

// A small valid record (the fields a writer must give, the rest default).
WireRecord small_record(const std::string& owner, std::uint64_t version, const std::string& id = "i1") {
  WireRecord wr;
  wr.rec.service = "orders";
  wr.rec.id = id;
  wr.rec.host = "127.0.2.1";
  wr.rec.port = 80;
  wr.rec.owner = owner;
  wr.rec.owner_generation = 3;
  wr.rec.record_version = version;
  return wr;
}

// A dependency record with every term set.
WireRecord dependency_wire_record(const std::string& owner = "node-b", std::uint64_t version = 14) {
  Dependency d;
  d.service = "orders";
  d.depends_on = "billing";
  d.type = DependencyType::optional;
  d.required = false;
  d.min_version = "1.2.0";
  d.max_version = "2.0.0-rc.1";
  d.health_check_endpoint = "/ready";
  d.timeout_ms = 1500;
  WireRecord wr;
  wr.rec = dependency_record(d);
  wr.rec.status = InstanceStatus::starting;
  wr.rec.owner = owner;
  wr.rec.owner_generation = 3;
  wr.rec.record_version = version;
  wr.rec.owner_lamport = 5;
  wr.prior = version - 2;
  return wr;
}

void expect_same(const WireRecord& a, const WireRecord& b) {
  const Instance& x = a.rec;
  const Instance& y = b.rec;
  EXPECT_EQ(x.service, y.service);
  EXPECT_EQ(x.id, y.id);
  EXPECT_EQ(x.host, y.host);
  EXPECT_EQ(x.port, y.port);
  EXPECT_EQ(x.protocol, y.protocol);
  EXPECT_EQ(x.version, y.version);
  EXPECT_EQ(x.tags, y.tags);
  EXPECT_EQ(x.metadata, y.metadata);
  EXPECT_EQ(x.weight, y.weight);
  EXPECT_EQ(x.region, y.region);
  EXPECT_EQ(x.zone, y.zone);
  EXPECT_EQ(x.health_check_url, y.health_check_url);
  EXPECT_EQ(x.metrics_url, y.metrics_url);
  EXPECT_EQ(x.status, y.status);
  EXPECT_EQ(x.check_state, y.check_state);
  EXPECT_EQ(x.last_check_ms, y.last_check_ms);
  EXPECT_EQ(x.consecutive_failures, y.consecutive_failures);
  EXPECT_EQ(x.uuid, y.uuid);
  EXPECT_EQ(x.registered_ms, y.registered_ms);
  EXPECT_EQ(x.updated_ms, y.updated_ms);
  EXPECT_EQ(x.deregistered_ms, y.deregistered_ms);
  EXPECT_EQ(x.owner, y.owner);
  EXPECT_EQ(x.owner_generation, y.owner_generation);
  EXPECT_EQ(x.record_version, y.record_version);
  EXPECT_EQ(x.owner_lamport, y.owner_lamport);
  EXPECT_EQ(x.previous_owner, y.previous_owner);
  EXPECT_EQ(a.prior, b.prior);
  EXPECT_EQ(x.kind, y.kind);
  ASSERT_EQ(x.dependency == nullptr, y.dependency == nullptr);
  if (x.dependency) {
    EXPECT_TRUE(*x.dependency == *y.dependency);
  }
}

// The refusal's message, or a failure when the decode succeeded.
template <class R>
std::string refusal(const R& r) {
  EXPECT_FALSE(r.ok()) << "decoded what it should refuse";
  return r.ok() ? std::string() : r.message();
}

#define EXPECT_REFUSED(expr, needle)                                  \
  do {                                                                \
    const std::string msg_ = refusal(expr);                           \
    EXPECT_NE(msg_.find(needle), std::string::npos) << "message: " << msg_; \
  } while (0)

RecordsMsg records_of(std::vector<WireRecord> rs) { return RecordsMsg{"node-c", std::move(rs)}; }

PullReply full_pull_reply() {
  PullReply m;
  PullSection a;
  a.state = ShardState{"node-b", 3, 9, 4};
  a.complete = true;
  a.full = true;
  a.records = {small_record("node-b", 5, "x"), small_record("node-b", 9, "y")};
  PullSection b;
  b.state = ShardState{"node-d", 1, 2, 0};
  b.complete = false;
  b.full = false;
  m.sections = {a, b};
  return m;
}

// ---- round trips ----

TEST(RegistryCodec, RecordsRoundTripEveryField) {
  const RecordsMsg m = records_of({full_record(), small_record("node-b", 1)});
  const Bytes b = encode(m);
  EXPECT_EQ(b[0], 0xE0);
  auto d = decode_records(b);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->from, "node-c");
  ASSERT_EQ(d->records.size(), 2u);
  expect_same(d->records[0], m.records[0]);
  expect_same(d->records[1], m.records[1]);
  EXPECT_EQ(*peek_type(b), MsgType::records);
}

TEST(RegistryCodec, DependencyRecordsRoundTripEveryTerm) {
  const RecordsMsg m = records_of({dependency_wire_record(), full_record()});
  auto d = decode_records(encode(m));
  ASSERT_TRUE(d.ok()) << d.message();
  ASSERT_EQ(d->records.size(), 2u);
  expect_same(d->records[0], m.records[0]);
  expect_same(d->records[1], m.records[1]);
  EXPECT_EQ(d->records[0].rec.kind, RecordKind::dependency);
  EXPECT_EQ(d->records[0].rec.key(), (InstanceKey{"orders", "billing", RecordKind::dependency}));
  EXPECT_EQ(d->records[1].rec.kind, RecordKind::instance);
  EXPECT_EQ(d->records[1].rec.dependency, nullptr);
  // Every dependency type and both values of `required` travel.
  for (int t = 0; t < 4; ++t) {
    WireRecord wr = dependency_wire_record();
    Dependency terms = *wr.rec.dependency;
    terms.type = static_cast<DependencyType>(t);
    terms.required = t % 2 == 0;
    wr.rec.dependency = std::make_shared<const Dependency>(terms);
    auto dt = decode_records(encode(records_of({wr})));
    ASSERT_TRUE(dt.ok()) << dt.message();
    EXPECT_TRUE(*dt->records[0].rec.dependency == terms) << "type " << t;
  }
}

TEST(RegistryCodec, ADependencyRecordWithBadTermsIsRefusedByField) {
  auto with_terms = [](auto change) {
    WireRecord wr = dependency_wire_record();
    Dependency terms = *wr.rec.dependency;
    change(terms);
    wr.rec.dependency = std::make_shared<const Dependency>(terms);
    return encode(records_of({wr}));
  };
  EXPECT_REFUSED(decode_records(with_terms([](Dependency& d) { d.timeout_ms = 0; })), "timeoutMs: 0");
  EXPECT_REFUSED(decode_records(with_terms([](Dependency& d) { d.min_version = "3.0.0"; })), "maxVersion");
  EXPECT_REFUSED(decode_records(with_terms([](Dependency& d) { d.health_check_endpoint = "ready"; })),
                 "healthCheckEndpoint");
  // A dependency on itself: the record's id is its dependsOn.
  WireRecord self = dependency_wire_record();
  Dependency terms = *self.rec.dependency;
  terms.depends_on = "orders";
  self.rec.id = "orders";
  self.rec.dependency = std::make_shared<const Dependency>(terms);
  EXPECT_REFUSED(decode_records(encode(records_of({self}))), "dependsOn: a service cannot depend on itself");
  // An unknown record kind, and a dependency kind without its terms.
  Bytes rec;
  append_record(rec, full_record());
  ASSERT_EQ(rec[2], 27);
  rec[2] = 28;
  rec.push_back(0x02);
  EXPECT_REFUSED(decode_records(encode_records("node-c", {ByteView(rec)})), "record.kind");
  rec.back() = 0x01;
  EXPECT_REFUSED(decode_records(encode_records("node-c", {ByteView(rec)})), "without its terms");
  // A dependency type out of range: the terms are the record's last field,
  // an array of 6 that starts with the type (OPTIONAL, 2) and `required`
  // (false).
  Bytes dep;
  append_record(dep, dependency_wire_record());
  std::size_t at = dep.size();
  for (std::size_t i = 0; i + 2 < dep.size(); ++i) {
    if (dep[i] == 0x96 && dep[i + 1] == 0x02 && dep[i + 2] == 0xC2) at = i + 1;
  }
  ASSERT_LT(at, dep.size());
  dep[at] = 0x09;
  EXPECT_REFUSED(decode_records(encode_records("node-c", {ByteView(dep)})), "record.dependency.type");
}

TEST(RegistryCodec, EveryStatusAndCheckStateRoundTrips) {
  for (int s = 0; s <= static_cast<int>(InstanceStatus::deregistered); ++s) {
    for (int c = 0; c <= static_cast<int>(CheckState::critical); ++c) {
      WireRecord wr = full_record();
      wr.rec.status = static_cast<InstanceStatus>(s);
      wr.rec.check_state = static_cast<CheckState>(c);
      auto d = decode_records(encode(records_of({wr})));
      ASSERT_TRUE(d.ok()) << d.message();
      EXPECT_EQ(d->records.at(0).rec.status, wr.rec.status);
      EXPECT_EQ(d->records.at(0).rec.check_state, wr.rec.check_state);
    }
  }
}

TEST(RegistryCodec, EncodeRecordsFromPreEncodedRecordsMatchesEncode) {
  const WireRecord a = full_record();
  const WireRecord b = small_record("node-b", 4);
  Bytes ea, eb;
  append_record(ea, a);
  append_record(eb, b);
  EXPECT_EQ(encoded_size(a), ea.size());
  EXPECT_EQ(encode_records("node-c", {ByteView(ea), ByteView(eb)}), encode(records_of({a, b})));
}

TEST(RegistryCodec, AnnounceRoundTrips) {
  const AnnounceMsg m{"node-c", {ShardVersion{"node-b", 3, 9}, ShardVersion{"node-d", UINT64_MAX, 1}}};
  const Bytes b = encode(m);
  EXPECT_EQ(b[0], 0xE1);
  auto d = decode_announce(b);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->from, m.from);
  EXPECT_EQ(d->shards, m.shards);
}

// What a batch is sized by: an entry's size is what it adds to an announce.
TEST(RegistryCodec, AShardVersionsSizeIsWhatItAddsToAnAnnounce) {
  AnnounceMsg m{"node-c", {ShardVersion{"node-b", 3, 9}}};
  const std::size_t one = encode(m).size();
  for (const ShardVersion& sv : {ShardVersion{"node-d", UINT64_MAX, 1}, ShardVersion{"n", 1, 70000},
                                 ShardVersion{std::string(300, 'x'), 0, UINT64_MAX}}) {
    AnnounceMsg two = m;
    two.shards.push_back(sv);
    EXPECT_EQ(encode(two).size(), one + encoded_size(sv)) << sv.owner.size();
  }
}

TEST(RegistryCodec, SyncRoundTrips) {
  for (std::uint32_t buckets : {1u, 2u, 64u, kMaxSyncBuckets}) {
    SyncMsg m{"node-c", buckets, {}};
    for (std::uint32_t i = 0; i < buckets; ++i) m.hashes.push_back(0x9E3779B97F4A7C15ULL * (i + 1));
    const Bytes b = encode(m);
    EXPECT_EQ(b[0], 0xE2);
    auto d = decode_sync(b);
    ASSERT_TRUE(d.ok()) << d.message();
    EXPECT_EQ(d->from, m.from);
    EXPECT_EQ(d->buckets, buckets);
    EXPECT_EQ(d->hashes, m.hashes);
  }
}

TEST(RegistryCodec, SyncReplyRoundTrips) {
  const SyncReply m{{ShardState{"node-b", 3, 9, 4}, ShardState{"node-d", 1, 0, 0}}};
  const Bytes b = encode(m);
  EXPECT_EQ(b[0], 0xE3);
  auto d = decode_sync_reply(b);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->shards, m.shards);
  auto empty = decode_sync_reply(encode(SyncReply{}));
  ASSERT_TRUE(empty.ok()) << empty.message();
  EXPECT_TRUE(empty->shards.empty());
}

TEST(RegistryCodec, PullRoundTrips) {
  const PullMsg m{"node-c", std::uint64_t{1} << 20, {ShardVersion{"node-b", 3, 0}, ShardVersion{"node-d", 1, 7}}};
  const Bytes b = encode(m);
  EXPECT_EQ(b[0], 0xE4);
  auto d = decode_pull(b);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->from, m.from);
  EXPECT_EQ(d->max_bytes, m.max_bytes);
  EXPECT_EQ(d->shards, m.shards);
}

TEST(RegistryCodec, PullReplyRoundTripsWithItsFlags) {
  const PullReply m = full_pull_reply();
  const Bytes b = encode(m);
  EXPECT_EQ(b[0], 0xE5);
  auto d = decode_pull_reply(b);
  ASSERT_TRUE(d.ok()) << d.message();
  ASSERT_EQ(d->sections.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const PullSection& want = m.sections[i];
    const PullSection& got = d->sections[i];
    EXPECT_EQ(got.state, want.state);
    EXPECT_EQ(got.complete, want.complete);
    EXPECT_EQ(got.full, want.full);
    ASSERT_EQ(got.records.size(), want.records.size());
    for (std::size_t r = 0; r < want.records.size(); ++r) expect_same(got.records[r], want.records[r]);
  }
}

// ---- refusals ----

std::vector<Bytes> valid_messages() {
  return {encode(records_of({full_record()})),
          encode(records_of({dependency_wire_record()})),
          encode(AnnounceMsg{"node-c", {ShardVersion{"node-b", 3, 9}}}),
          encode(SyncMsg{"node-c", 2, {1, 2}}),
          encode(SyncReply{{ShardState{"node-b", 3, 9, 4}}}),
          encode(PullMsg{"node-c", 4096, {ShardVersion{"node-b", 3, 0}}}),
          encode(full_pull_reply())};
}

// Decodes `b` with the decoder of its type; returns the error ("" if none).
std::string decode_any(MsgType t, ByteView b) {
  auto msg = [](const auto& r) { return r.ok() ? std::string() : r.message(); };
  switch (t) {
    case MsgType::records: return msg(decode_records(b));
    case MsgType::announce: return msg(decode_announce(b));
    case MsgType::sync: return msg(decode_sync(b));
    case MsgType::sync_reply: return msg(decode_sync_reply(b));
    case MsgType::pull: return msg(decode_pull(b));
    case MsgType::pull_reply: return msg(decode_pull_reply(b));
  }
  return "unknown type";
}

TEST(RegistryCodec, EveryTruncationIsRefused) {
  for (const Bytes& full : valid_messages()) {
    const MsgType t = *peek_type(full);
    ASSERT_EQ(decode_any(t, full), "");
    for (std::size_t cut = 0; cut < full.size(); ++cut) {
      const std::string err = decode_any(t, ByteView(full.data(), cut));
      EXPECT_FALSE(err.empty()) << "type " << int(full[0]) << " cut at " << cut << " of " << full.size();
    }
  }
}

TEST(RegistryCodec, WrongOrUnknownTypeByteIsRefused) {
  const Bytes announce = encode(AnnounceMsg{"node-c", {}});
  EXPECT_REFUSED(decode_records(announce), "type byte 225, expected 224");
  EXPECT_REFUSED(decode_pull_reply(encode(SyncReply{})), "type byte 227, expected 229");
  EXPECT_REFUSED(decode_sync(Bytes{}), "empty");
  EXPECT_REFUSED(peek_type(Bytes{0xE6, 0x90}), "unknown type byte 230");
  EXPECT_REFUSED(peek_type(Bytes{0xDF}), "unknown type byte 223");
  EXPECT_REFUSED(peek_type(Bytes{}), "empty");
}

TEST(RegistryCodec, ACountBeyondTheInputIsRefused) {
  // [from, [<1000 records claimed>]] with nothing after the header.
  Bytes b{0xE0};
  wire::msgpack::Writer w(b);
  w.array_header(2);
  w.str("node-c");
  w.array_header(1000);
  EXPECT_REFUSED(decode_records(b), "records: array of 1000 entries at offset 8 exceeds the 0 bytes left");
  Bytes s{0xE3};
  wire::msgpack::Writer ws(s);
  ws.array_header(1);
  ws.array_header(70000);
  ws.uint(1);
  EXPECT_REFUSED(decode_sync_reply(s), "sync reply.shards: array of 70000 entries");
}

TEST(RegistryCodec, ACountOverItsLimitIsRefused) {
  // Room enough in the input, but more shards than a message may carry.
  Bytes b{0xE1};
  wire::msgpack::Writer w(b);
  w.array_header(2);
  w.str("node-c");
  w.array_header(static_cast<std::uint32_t>(kMaxShardsPerMessage + 1));
  b.resize(b.size() + kMaxShardsPerMessage + 1, 0xC0);
  EXPECT_REFUSED(decode_announce(b), "announce.shards: 65537 items, over the limit of 65536");
  WireRecord many_tags = full_record();
  many_tags.rec.tags.clear();
  for (std::size_t i = 0; i <= kMaxTags; ++i) many_tags.rec.tags.insert("t" + std::to_string(i));
  EXPECT_REFUSED(decode_records(encode(records_of({many_tags}))), "record.tags: 65 items, over the limit of 64");
}

TEST(RegistryCodec, ARecordThatFailsValidationIsRefusedByField) {
  WireRecord bad_name = full_record();
  bad_name.rec.service = "Orders_Service";
  EXPECT_REFUSED(decode_records(encode(records_of({bad_name}))), "serviceName");
  WireRecord port0 = full_record();
  port0.rec.port = 0;
  EXPECT_REFUSED(decode_records(encode(records_of({port0}))), "port: 0");
  WireRecord no_owner = full_record();
  no_owner.rec.owner.clear();
  EXPECT_REFUSED(decode_records(encode(records_of({no_owner}))), "record.owner: empty");
  WireRecord v0 = full_record("node-b", 1);
  v0.rec.record_version = 0;
  v0.prior = 0;
  EXPECT_REFUSED(decode_records(encode(records_of({v0}))), "record.record_version: 0");
}

TEST(RegistryCodec, MetadataOver64KiBIsRefused) {
  WireRecord one_value = full_record();
  one_value.rec.metadata = {{"blob", std::string(kMaxMetadataBytes + 1, 'x')}};
  EXPECT_REFUSED(decode_records(encode(records_of({one_value}))), "record.metadata value");
  WireRecord in_total = full_record();
  in_total.rec.metadata = {{"a", std::string(40000, 'x')}, {"b", std::string(40000, 'y')}};
  EXPECT_REFUSED(decode_records(encode(records_of({in_total}))), "metadata");
  WireRecord at_cap = full_record();
  at_cap.rec.metadata = {{"a", std::string(30000, 'x')}};
  EXPECT_TRUE(decode_records(encode(records_of({at_cap}))).ok());
}

TEST(RegistryCodec, APriorNotBelowTheVersionIsRefused) {
  WireRecord same = full_record("node-b", 5);
  same.prior = 5;
  EXPECT_REFUSED(decode_records(encode(records_of({same}))), "record.prior");
  WireRecord above = full_record("node-b", 5);
  above.prior = 6;
  EXPECT_REFUSED(decode_records(encode(records_of({above}))), "record.prior");
}

TEST(RegistryCodec, AStatusOutOfRangeIsRefused) {
  WireRecord wr = full_record();
  wr.rec.status = static_cast<InstanceStatus>(6);
  EXPECT_REFUSED(decode_records(encode(records_of({wr}))), "record.status");
  WireRecord cs = full_record();
  cs.rec.check_state = static_cast<CheckState>(3);
  EXPECT_REFUSED(decode_records(encode(records_of({cs}))), "record.check_state");
}

TEST(RegistryCodec, ARecordOfAnotherShardInAPullSectionIsRefused) {
  PullReply other_owner = full_pull_reply();
  other_owner.sections[0].records.push_back(small_record("node-z", 10, "z"));
  EXPECT_REFUSED(decode_pull_reply(encode(other_owner)), "a record of node-z in the section of node-b");
  PullReply other_gen = full_pull_reply();
  WireRecord older = small_record("node-b", 10, "z");
  older.rec.owner_generation = 2;
  other_gen.sections[0].records.push_back(older);
  EXPECT_REFUSED(decode_pull_reply(encode(other_gen)), "in the section of node-b");
}

TEST(RegistryCodec, SyncBucketsMustBeAPowerOfTwoWithOneHashEach) {
  EXPECT_REFUSED(decode_sync(encode(SyncMsg{"n", 3, {1, 2, 3}})), "sync.buckets: 3 is not a power of two");
  EXPECT_REFUSED(decode_sync(encode(SyncMsg{"n", 0, {}})), "sync.buckets: 0 is not a power of two");
  EXPECT_REFUSED(decode_sync(encode(SyncMsg{"n", 4, {1, 2}})), "sync.hashes: 2 hashes for 4 buckets");
  EXPECT_REFUSED(decode_sync(encode(SyncMsg{"n", 1, {1, 2}})), "sync.hashes: 2 hashes for 1 buckets");
  SyncMsg huge{"n", kMaxSyncBuckets * 2, std::vector<std::uint64_t>(kMaxSyncBuckets * 2, 1)};
  EXPECT_REFUSED(decode_sync(encode(huge)), "sync.buckets");
}

TEST(RegistryCodec, TrailingBytesAreRefused) {
  for (Bytes b : valid_messages()) {
    b.push_back(0xC0);
    EXPECT_NE(decode_any(*peek_type(b), b).find("1 trailing bytes"), std::string::npos) << int(b[0]);
  }
}

TEST(RegistryCodec, OverlongStringsAreRefusedByField) {
  EXPECT_REFUSED(decode_records(encode(RecordsMsg{std::string(kMaxNodeName + 1, 'n'), {}})),
                 "records.from: 513 bytes, over 512");
  WireRecord long_owner = full_record(std::string(kMaxNodeName + 1, 'o'));
  EXPECT_REFUSED(decode_records(encode(records_of({long_owner}))), "record.owner: 513 bytes");
}

TEST(RegistryCodec, AMessageOrRecordWithTooFewFieldsIsRefused) {
  Bytes b{0xE1};
  wire::msgpack::Writer w(b);
  w.array_header(1);
  w.str("node-c");
  EXPECT_REFUSED(decode_announce(b), "announce message: 1 fields, expected 2");
  Bytes rec;
  wire::msgpack::Writer wr(rec);
  wr.array_header(26);
  for (int i = 0; i < 26; ++i) wr.nil();
  EXPECT_REFUSED(decode_records(encode_records("node-c", {ByteView(rec)})), "record: 26 fields, expected 27");
}

// ---- forward compatibility ----

// `msg` with its outer array (a fixarray right after the type byte) one
// field longer, the extra field being `extra`.
Bytes with_extra_field(Bytes msg, const Bytes& extra) {
  EXPECT_EQ(msg[1] & 0xF0, 0x90);
  msg[1] = static_cast<std::uint8_t>(msg[1] + 1);
  msg.insert(msg.end(), extra.begin(), extra.end());
  return msg;
}

Bytes some_newer_value() {
  Bytes b;
  wire::msgpack::Writer w(b);
  w.map_header(2);
  w.str("shape");
  w.array_header(2);
  w.uint(1);
  w.str("two");
  w.str("n");
  w.nil();
  return b;
}

TEST(RegistryCodec, NewerTrailingMessageFieldsAreSkipped) {
  const Bytes extra = some_newer_value();
  for (const Bytes& b : valid_messages()) {
    const Bytes newer = with_extra_field(b, extra);
    EXPECT_EQ(decode_any(*peek_type(newer), newer), "") << "type " << int(b[0]);
  }
  auto d = decode_sync(with_extra_field(encode(SyncMsg{"node-c", 2, {7, 8}}), extra));
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->hashes, (std::vector<std::uint64_t>{7, 8}));
}

TEST(RegistryCodec, NewerTrailingRecordAndShardFieldsAreSkipped) {
  // An instance record of 30 fields: the 27 of an instance, its kind
  // (instance: the terms' place is then a newer field), then two more.
  const WireRecord wr = full_record();
  Bytes rec;
  append_record(rec, wr);
  ASSERT_EQ(rec[0], 0xDC);  // array16
  ASSERT_EQ(rec[2], 27);
  rec[2] = 30;
  rec.push_back(0x00);
  const Bytes extra = some_newer_value();
  rec.insert(rec.end(), extra.begin(), extra.end());
  rec.push_back(0x05);
  auto d = decode_records(encode_records("node-c", {ByteView(rec)}));
  ASSERT_TRUE(d.ok()) << d.message();
  ASSERT_EQ(d->records.size(), 1u);
  expect_same(d->records[0], wr);

  // A shard entry of an announce with a fourth field.
  Bytes a{0xE1};
  wire::msgpack::Writer w(a);
  w.array_header(2);
  w.str("node-c");
  w.array_header(1);
  w.array_header(4);
  w.str("node-b");
  w.uint(3);
  w.uint(9);
  w.str("newer");
  auto da = decode_announce(a);
  ASSERT_TRUE(da.ok()) << da.message();
  EXPECT_EQ(da->shards, (std::vector<ShardVersion>{{"node-b", 3, 9}}));
}

}  // namespace
}  // namespace wkd::registry
