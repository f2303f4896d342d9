// Writes the seed corpora of the registry fuzz targets from the encoder,
// so every seed is a message a wkd node could send:
//
//   registry_fuzz_seeds tests/fuzz/corpus
//
// corpus/registry_messages/seed-*: a selector byte (which decoder) and one
// message of each type; corpus/replica/seed-*: scripts in the replica
// target's step format (tests/fuzz/replica.cpp) that make a peer known,
// gossip records and announcements, and answer the syncs and pulls the
// replica sends. The long fuzz runs grow them; run_fuzzers.sh --minimize
// keeps them small.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "registry/codec.hpp"
#include "registry/dependency.hpp"

using namespace wkd;
using namespace wkd::registry;

namespace {

WireRecord record(const std::string& owner, std::uint64_t version, const std::string& id, bool full) {
  WireRecord wr;
  Instance& r = wr.rec;
  r.service = "orders";
  r.id = id;
  r.host = "127.0.2.3";
  r.port = 8080;
  r.owner = owner;
  r.owner_generation = 3;
  r.record_version = version;
  r.owner_lamport = version + 10;
  r.registered_ms = 1'800'000'000'000;
  r.updated_ms = r.registered_ms + 5;
  r.uuid.bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, static_cast<std::uint8_t>(version)};
  wr.prior = version - 1;
  if (full) {
    r.protocol = "grpc";
    r.version = "1.4.2-rc.1+build.5";
    r.tags = {"blue", "primary"};
    r.metadata = {{"team", "payments"}, {"tier", "1"}};
    r.weight = 250;
    r.region = "eu-west";
    r.zone = "eu-west-1a";
    r.health_check_url = "http://127.0.2.3:8080/health";
    r.metrics_url = "https://127.0.2.3:8443/metrics";
    r.status = InstanceStatus::healthy;
    r.check_state = CheckState::warning;
    r.last_check_ms = r.updated_ms;
    r.consecutive_failures = 2;
    r.previous_owner = "p2";
  }
  return wr;
}

// A dependency record of p1's shard: orders -> billing, every term set.
WireRecord dependency(const std::string& owner, std::uint64_t version) {
  Dependency d;
  d.service = "orders";
  d.depends_on = "billing";
  d.type = DependencyType::optional;
  d.required = false;
  d.min_version = "1.2.0";
  d.max_version = "2.0.0";
  d.health_check_endpoint = "/ready";
  d.timeout_ms = 2500;
  WireRecord wr;
  wr.rec = dependency_record(d);
  wr.rec.owner = owner;
  wr.rec.owner_generation = 3;
  wr.rec.record_version = version;
  wr.rec.owner_lamport = version + 10;
  wr.rec.uuid.bytes = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, static_cast<std::uint8_t>(version)};
  wr.prior = version - 1;
  return wr;
}

void write(const std::filesystem::path& dir, const std::string& name, const Bytes& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// One step of a replica script: op, big-endian length, payload.
void step(Bytes& script, std::uint8_t op, const Bytes& payload) {
  script.push_back(op);
  script.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
  script.push_back(static_cast<std::uint8_t>(payload.size()));
  script.insert(script.end(), payload.begin(), payload.end());
}

enum Op : std::uint8_t { gossip, request, merge, reply, advance, register_local, member, close };

Bytes ms(unsigned n) { return Bytes{static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}; }
const Bytes kJoinP0{0, 0};

PullReply pull_reply_p1(bool full) {
  PullReply pr;
  PullSection s;
  s.state = ShardState{"p1", 3, 3, full ? 1u : 0u};
  s.complete = true;
  s.full = full;
  for (std::uint64_t v = 1; v <= 3; ++v) s.records.push_back(record("p1", v, "i" + std::to_string(v), v == 2));
  s.records[0].rec.status = InstanceStatus::deregistered;
  s.records[0].rec.deregistered_ms = 1'800'000'000'100;
  s.records.push_back(dependency("p1", 4));
  s.state.watermark = 4;
  pr.sections.push_back(s);
  pr.sections.push_back(PullSection{ShardState{"p3", 1, 0, 0}, true, false, {}});
  return pr;
}

void message_seeds(const std::filesystem::path& dir) {
  RecordsMsg recs{"p0", {record("p1", 1, "a", true), record("p1", 2, "b", false), record("p2", 9, "c", false),
                         dependency("p1", 5)}};
  recs.records[1].rec.status = InstanceStatus::draining;
  recs.records[2].rec.status = InstanceStatus::down;
  const std::vector<Bytes> msgs{
      encode(recs),
      encode(AnnounceMsg{"p0", {ShardVersion{"p1", 3, 7}, ShardVersion{"p2", 1, 1}}}),
      encode(SyncMsg{"p0", 4, {1, 0, 0xffffffffffffffffULL, 42}}),
      encode(SyncReply{{ShardState{"p1", 3, 5, 2}, ShardState{"p2", 1, 9, 0}}}),
      encode(PullMsg{"p0", 1 << 20, {ShardVersion{"p1", 3, 0}, ShardVersion{"p2", 1, 4}}}),
      encode(pull_reply_p1(true)),
  };
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    Bytes one{static_cast<std::uint8_t>(i)};
    one.insert(one.end(), msgs[i].begin(), msgs[i].end());
    write(dir, "seed-" + std::to_string(i), one);
    one[0] = 6;
    write(dir, "seed-all-" + std::to_string(i), one);
  }
}

void replica_seeds(const std::filesystem::path& dir) {
  Bytes s;
  // Gossip: records of two owners, then time for the eager push.
  step(s, member, kJoinP0);
  step(s, gossip, encode(RecordsMsg{"p0", {record("p1", 1, "a", true), record("p1", 3, "b", false)}}));
  step(s, gossip, encode(RecordsMsg{"p0", {record("p2", 1, "c", false)}}));
  step(s, advance, ms(10));
  write(dir, "seed-gossip", s);

  // An announcement pulled from the peer that told, answered page by page.
  s.clear();
  step(s, member, kJoinP0);
  step(s, gossip, encode(AnnounceMsg{"p0", {ShardVersion{"p1", 3, 3}}}));
  step(s, advance, ms(10));
  step(s, reply, encode(pull_reply_p1(false)));
  step(s, advance, ms(10));
  write(dir, "seed-announce-pull", s);

  // Anti-entropy: the replica's sync answered with a shard it lacks, the
  // pull that follows answered with the whole shard.
  s.clear();
  step(s, member, kJoinP0);
  step(s, register_local, Bytes{1, 80});
  step(s, advance, ms(3500));
  step(s, reply, encode(SyncReply{{ShardState{"p1", 3, 3, 1}}}));
  step(s, advance, ms(10));
  step(s, reply, encode(pull_reply_p1(true)));
  step(s, advance, ms(4000));
  step(s, close, {});
  write(dir, "seed-sync", s);

  // The responder's side: a sync and pulls of the local shard and another.
  s.clear();
  step(s, register_local, Bytes{1, 80});
  step(s, register_local, Bytes{2, 81});
  step(s, gossip, encode(RecordsMsg{"p0", {record("p1", 1, "a", false)}}));
  step(s, request, encode(SyncMsg{"p0", 1, {0}}));
  step(s, request, encode(PullMsg{"p0", 4096, {ShardVersion{"local", 7, 0}, ShardVersion{"p1", 3, 0}}}));
  step(s, request, encode(PullMsg{"p0", 4096, {ShardVersion{"p1", 2, 5}}}));
  write(dir, "seed-answer", s);

  // A push/pull's digest that differs, then membership moving.
  s.clear();
  step(s, member, kJoinP0);
  step(s, merge, encode(SyncMsg{"p0", 2, {5, 6}}));
  step(s, advance, ms(10));
  step(s, reply, encode(SyncReply{{ShardState{"p2", 1, 9, 0}}}));
  step(s, gossip, encode(RecordsMsg{"p0", {record("p2", 9, "c", false)}}));
  step(s, member, Bytes{2, 2});  // p2 failed
  step(s, advance, ms(60000));
  step(s, member, Bytes{2, 4});  // p2 reaped
  write(dir, "seed-merge", s);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: registry_fuzz_seeds <corpus dir>\n");
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  message_seeds(root / "registry_messages");
  replica_seeds(root / "replica");
  return 0;
}
