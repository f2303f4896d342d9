#include "core/core.hpp"

#include <algorithm>

namespace wkd::core {

Core::Entry::Entry(Core& c, TimePoint now) : core_(c) {
  if (core_.depth_++ == 0 || now > core_.now_) core_.now_ = now;
  // The registry hears gossip through the Serf layer without a time.
  if (core_.registry_) core_.registry_->advance(core_.now_);
}

Core::Entry::~Entry() {
  if (--core_.depth_ == 0) core_.observer_.on_settled(core_.next_deadline());
}

// The registry as a part of the core.
class Core::RegistryPart final : public Part {
 public:
  explicit RegistryPart(registry::Replica& r) : r_(r) {}
  const char* part_name() const noexcept override { return "registry"; }
  TimePoint next_deadline() const override { return r_.next_deadline(); }
  void on_timer(TimePoint now) override { r_.on_timer(now); }
  void on_member_event(TimePoint now, const serf::MemberEvent& e) override { r_.on_member_event(now, e); }

 private:
  registry::Replica& r_;
};

class Core::HealthPart final : public Part {
 public:
  explicit HealthPart(health::Checker& c) : c_(c) {}
  const char* part_name() const noexcept override { return "health"; }
  TimePoint next_deadline() const override { return c_.next_deadline(); }
  void on_timer(TimePoint now) override { c_.on_timer(now); }

 private:
  health::Checker& c_;
};

Core::Core(serf::Config cfg, swim::Runtime& io, Rng& rng, LogSink& log, Observer& observer, wire::Keyring keyring)
    : observer_(observer),
      rng_(rng),
      log_(log),
      serf_(std::make_unique<serf::Serf>(std::move(cfg), io, rng, log, static_cast<serf::EventSink&>(*this),
                                        std::move(keyring))) {}

Core::~Core() {
  // The health checks go first (they write to the registry), then the
  // registry: it unhooks itself from the Serf layer.
  std::erase(parts_, static_cast<Part*>(health_part_.get()));
  health_part_.reset();
  health_.reset();
  std::erase(parts_, static_cast<Part*>(registry_part_.get()));
  registry_part_.reset();
  registry_.reset();
}

void Core::add_part(Part& part) { parts_.push_back(&part); }

registry::Replica& Core::enable_registry(registry::ReplicaConfig cfg, const registry::Now& now) {
  if (!registry_) {
    registry_ = std::make_unique<registry::Replica>(std::move(cfg), *serf_, rng_, log_, now);
    registry_part_ = std::make_unique<RegistryPart>(*registry_);
    add_part(*registry_part_);
  }
  return *registry_;
}

health::Checker* Core::enable_health(health::Runner& runner, const registry::Now& now) {
  if (!registry_) return nullptr;
  if (!health_) {
    health_ = std::make_unique<health::Checker>(*registry_, runner, rng_, now);
    health_part_ = std::make_unique<HealthPart>(*health_);
    add_part(*health_part_);
  }
  return health_.get();
}

// ---- operations ----

serf::Status Core::start(TimePoint now) {
  Entry e(*this, now);
  return serf_->start(now);
}

void Core::join(TimePoint now, std::vector<Address> seeds, serf::Serf::JoinDone done) {
  Entry e(*this, now);
  serf_->join(now, std::move(seeds), std::move(done));
}

serf::Status Core::leave(TimePoint now, serf::Serf::LeaveDone done) {
  Entry e(*this, now);
  return serf_->leave(now, std::move(done));
}

serf::Status Core::set_identity(TimePoint now, const serf::Identity& id) {
  Entry e(*this, now);
  return serf_->set_identity(now, id);
}

serf::Status Core::user_event(TimePoint now, std::string_view name, ByteView payload, bool coalesce) {
  Entry e(*this, now);
  return serf_->user_event(now, name, payload, coalesce);
}

// ---- reads ----

Persisted Core::persisted() const {
  Persisted out;
  const std::string& self = name();
  serf_->for_each_member([&](const serf::Member& m, const swim::NodeInfo*) {
    if (m.name == self) return;
    if (m.status != serf::MemberStatus::alive && m.status != serf::MemberStatus::leaving) return;
    out.peers.push_back({m.name, m.addr});
  });
  const serf::SerfStats counters = serf_->stats();
  out.member_clock = counters.member_time;
  out.event_clock = counters.event_time;
  out.query_clock = counters.query_time;
  for (const Bytes& k : serf_->memberlist().keyring().keys()) out.keys.push_back(k);
  out.leaving = serf_->state() == serf::SerfState::leaving || serf_->state() == serf::SerfState::left;
  return out;
}

// ---- the driver's entry ----

void Core::on_packet(TimePoint now, const Address& from, ByteView datagram) {
  Entry e(*this, now);
  serf_->on_packet(now, from, datagram);
}

void Core::on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) {
  Entry e(*this, now);
  serf_->on_stream_message(now, id, from, message);
}

void Core::on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) {
  Entry e(*this, now);
  serf_->on_stream_closed(now, id, reason);
}

void Core::on_timer(TimePoint now) {
  Entry e(*this, now);
  // Serf checks its own timers (and memberlist's): calling it when only a
  // part is due does nothing early.
  serf_->on_timer(now);
  for (Part* p : parts_) {
    if (p->next_deadline() <= now) p->on_timer(now);
  }
}

TimePoint Core::next_deadline() const {
  TimePoint next = serf_->next_deadline();
  for (const Part* p : parts_) next = std::min(next, p->next_deadline());
  return next;
}

wire::StreamDecodeOptions Core::stream_decode_options() const { return serf_->memberlist().stream_decode_options(); }

// ---- events, in the order they happen ----

void Core::on_member_event(const serf::MemberEvent& e) {
  for (Part* p : parts_) p->on_member_event(now_, e);
  observer_.on_member_event(e);
}

void Core::on_member_changed(std::string_view name) { observer_.on_member_changed(name); }

void Core::on_user_event(const serf::UserEvent& e) { observer_.on_user_event(e); }

}  // namespace wkd::core
