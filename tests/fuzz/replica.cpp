// Fuzz target: a registry::Replica on a real serf::Serf over a Runtime
// that goes nowhere, fed the input as a script of steps. Each step is
//
//   op (1 byte) | length (2 bytes, big-endian) | payload (length bytes)
//
// and op % 8 picks what the payload is:
//   0 a gossip message            Replica::on_wkd_message
//   1 a request                   Replica::answer_wkd_request (the answer must decode)
//   2 a WkdState from a push/pull Replica::merge_wkd_state
//   3 the reply to the oldest request in flight (a user message on its stream)
//   4 time passes (payload: milliseconds, up to 65 s), timers fire
//   5 a local registration (payload: instance id and port)
//   6 a member event of one of four wkd peers (payload: peer, event type)
//   7 the oldest request in flight fails (its stream closes)
// After every step the store must hold only records that validate, no
// record of the local node's shard that it did not register, and no more
// records than it decoded and registered.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <set>

#include "common/log.hpp"
#include "registry/replica.hpp"
#include "serf/serf.hpp"
#include "wire/memberlist_codec.hpp"

using namespace wkd;
using namespace wkd::registry;

namespace {

constexpr std::int64_t kWallStart = 1'800'000'000'000;
constexpr const char* kLocal = "local";

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "replica fuzz: %s\n", why.c_str());
  std::abort();
}

// Records the streams memberlist dials, so replies can be fed back.
struct NowhereRuntime final : swim::Runtime {
  std::deque<swim::ConnId> open;
  void send_packet(const Address&, ByteView) override {}
  void stream_dial(swim::ConnId id, const Address&) override { open.push_back(id); }
  void stream_write(swim::ConnId, ByteView) override {}
  void stream_close(swim::ConnId id) override { std::erase(open, id); }
};

struct NoEvents final : serf::EventSink {
  void on_member_event(const serf::MemberEvent&) override {}
  void on_user_event(const serf::UserEvent&) override {}
};

Address peer_addr(unsigned i) { return Address::v4(127, 0, 0, static_cast<std::uint8_t>(10 + i), 7946); }

class Harness {
 public:
  Harness() {
    serf::Config cfg;
    cfg.memberlist.name = kLocal;
    cfg.memberlist.advertise = Address::v4(127, 0, 0, 1, 7946);
    cfg.tags = {{"wkd", "1"}};
    serf_ = std::make_unique<serf::Serf>(cfg, rt_, rng_, log_, events_);
    if (!serf_->start(now_)) fail("serf did not start");
    ReplicaConfig rc;
    rc.store.node = kLocal;
    rc.store.generation = 7;
    rc.eager_delay = std::chrono::milliseconds(5);
    rc.sync_interval = std::chrono::seconds(2);
    rc.request_timeout = std::chrono::seconds(3);
    rc.pull_page_bytes = 4096;
    rc.max_ahead = 64;
    replica_ = std::make_unique<Replica>(rc, *serf_, rng_, log_, Now{now_, kWallStart});
  }
  ~Harness() {
    replica_.reset();  // first: it leaves the serf it is the handler of
    serf_.reset();
  }

  void step(unsigned op, ByteView payload) {
    switch (op % 8) {
      case 0: replica_->on_wkd_message(payload); break;
      case 1: request(payload); break;
      case 2: replica_->merge_wkd_state(payload, payload.size() % 2 == 0); break;
      case 3: reply(payload); break;
      case 4: advance(payload); break;
      case 5: register_local(payload); break;
      case 6: member_event(payload); break;
      case 7: close_oldest(); break;
    }
    check();
  }

 private:
  void request(ByteView payload) {
    auto answer = replica_->answer_wkd_request(payload);
    const auto type = peek_type(payload);
    const bool asks = type.ok() && (*type == MsgType::sync || *type == MsgType::pull);
    if (answer.has_value() != asks) fail("answered a message that is not a request, or the other way round");
    if (!answer) return;
    if (*type == MsgType::sync) {
      auto r = decode_sync_reply(*answer);
      if (!r) fail("its sync reply does not decode: " + r.message());
    } else {
      auto r = decode_pull_reply(*answer);
      if (!r) fail("its pull reply does not decode: " + r.message());
    }
  }

  void reply(ByteView payload) {
    if (rt_.open.empty()) return;
    const swim::ConnId id = rt_.open.front();
    serf_->on_stream_message(now_, id, peer_addr(0), wire::encode_stream_user_message(payload, wire::IntStyle::v2));
  }

  void close_oldest() {
    if (rt_.open.empty()) return;
    serf_->on_stream_closed(now_, rt_.open.front(), "EOF");
  }

  void advance(ByteView payload) {
    std::int64_t ms = 0;
    for (std::size_t i = 0; i < payload.size() && i < 2; ++i) ms = ms * 256 + payload[i];
    const TimePoint until = now_ + std::chrono::milliseconds(ms);
    // Every timer due up to `until`, in order (a bounded number of rounds).
    for (int round = 0; round < 16; ++round) {
      const TimePoint next = std::min(serf_->next_deadline(), replica_->next_deadline());
      if (next > until) break;
      now_ = std::max(now_, next);
      if (serf_->next_deadline() <= now_) serf_->on_timer(now_);
      if (replica_->next_deadline() <= now_) replica_->on_timer(now_);
    }
    now_ = std::max(now_, until);
  }

  void register_local(ByteView payload) {
    Instance in;
    in.service = "orders";
    in.id = "i" + std::to_string(payload.empty() ? 0 : payload[0] % 16);
    in.host = "127.0.2.1";
    in.port = 1 + (payload.size() > 1 ? payload[1] : 0);
    auto r = replica_->register_instance(Now{now_, wall()}, in);
    if (r) registered_.insert(in.key());
  }

  void member_event(ByteView payload) {
    const unsigned who = payload.empty() ? 0 : payload[0] % 4;
    const unsigned what = payload.size() > 1 ? payload[1] % 5 : 0;
    serf::MemberEvent e;
    e.type = static_cast<serf::MemberEventType>(what);
    e.member.name = "p" + std::to_string(who);
    e.member.addr = peer_addr(who);
    e.member.tags = serf::SharedTags(wire::Tags{{"wkd", "1"}});
    switch (e.type) {
      case serf::MemberEventType::join:
      case serf::MemberEventType::update: e.member.status = serf::MemberStatus::alive; break;
      case serf::MemberEventType::leave: e.member.status = serf::MemberStatus::left; break;
      default: e.member.status = serf::MemberStatus::failed; break;
    }
    replica_->on_member_event(now_, e);
  }

  std::int64_t wall() const { return kWallStart + to_ms(now_ - TimePoint{}); }

  void check() {
    const Store& store = replica_->store();
    Query all;
    all.include_deregistered = true;
    for (const Instance* rec : store.instances(all)) {
      if (auto st = validate_record(*rec); !st) fail("the store holds an invalid record: " + st.message());
      if (rec->owner == kLocal && !registered_.count(rec->key())) {
        fail("a record of the local shard it never registered: " + rec->service + "/" + rec->id);
      }
    }
    if (store.size() > replica_->stats().records_received + registered_.size()) {
      fail("the store holds more records than it was given");
    }
  }

  NowhereRuntime rt_;
  Rng rng_{1};
  NullLog log_;
  NoEvents events_;
  TimePoint now_{};
  std::unique_ptr<serf::Serf> serf_;
  std::unique_ptr<Replica> replica_;
  std::set<InstanceKey> registered_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness h;
  std::size_t at = 0;
  for (int steps = 0; at + 3 <= size && steps < 64; ++steps) {
    const unsigned op = data[at];
    const std::size_t len = std::min<std::size_t>((std::size_t{data[at + 1]} << 8) | data[at + 2], size - at - 3);
    h.step(op, ByteView(data + at + 3, len));
    at += 3 + len;
  }
  return 0;
}
