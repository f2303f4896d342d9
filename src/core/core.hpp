// wkd::core::Core — every pure part of one wkd node behind one machine.
//
// The core composes the Serf layer (with memberlist under it) and the pure
// parts that run beside it (core/part.hpp: the registry and the health
// checks plug in there). To an I/O driver it is one swim::Machine: one
// entry for datagrams, stream messages, stream ends and timers, and one
// next_deadline() over every part. To its owner (the runtime) it offers
// the node's operations (start, join, leave, identity, user events) and
// read access to the tables.
//
// Every call into the core, from the driver or from the owner, is one
// entry: when the outermost entry returns, the core tells its Observer
// that it has settled, with the earliest deadline of all parts. The owner
// re-arms the driver's timer and publishes from there, so nothing has to
// remember to do either after a call. What happened during the entry
// (member events, user events) reaches the Observer in the order it
// happened, before the settle.
//
// Pure: no clock, socket, thread or random source; time comes with every
// call, randomness from the injected Rng.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "common/time.hpp"
#include "core/part.hpp"
#include "health/checker.hpp"
#include "registry/replica.hpp"
#include "serf/config.hpp"
#include "serf/events.hpp"
#include "serf/identity.hpp"
#include "serf/serf.hpp"
#include "swim/machine.hpp"
#include "swim/runtime.hpp"
#include "wire/keyring.hpp"

namespace wkd::core {

// What the core tells its owner, on the core's thread, from inside the
// entry that caused it. The observer may read the core but must not call
// its operations from these callbacks.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_member_event(const serf::MemberEvent& e) = 0;
  // The record of member `name` changed (see serf::EventSink): reported at
  // every change, where it happens, in order.
  virtual void on_member_changed(std::string_view name) = 0;
  virtual void on_user_event(const serf::UserEvent& e) = 0;
  // The outermost entry is returning: `next` is the earliest deadline of
  // every part (TimePoint::max(): none).
  virtual void on_settled(TimePoint next) = 0;
};

// What a restart needs to rejoin: the members known alive or leaving (the
// local node left out), the three Lamport clocks and the keyring (primary
// first).
struct Persisted {
  struct Peer {
    std::string name;
    Address address;
  };
  std::vector<Peer> peers;
  std::uint64_t member_clock = 0, event_clock = 0, query_clock = 0;
  std::vector<Bytes> keys;
  bool leaving = false;  // a graceful leave started
};

class Core final : public swim::Machine, private serf::EventSink {
 public:
  // cfg must pass serf::validate() with its advertise address set. The
  // Runtime, Rng, LogSink and Observer must outlive the core.
  Core(serf::Config cfg, swim::Runtime& io, Rng& rng, LogSink& log, Observer& observer, wire::Keyring keyring = {});
  ~Core() override;
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Adds a part (before start; it must outlive the core).
  void add_part(Part& part);

  // Runs the service registry on this node (before start): a part of the
  // core, and the Serf layer's wkd handler. The node should advertise the
  // `wkd` tag, or no wkd peer sends it anything.
  registry::Replica& enable_registry(registry::ReplicaConfig cfg, const registry::Now& now);
  // nullptr when the registry is not enabled.
  registry::Replica* registry() noexcept { return registry_.get(); }
  const registry::Replica* registry() const noexcept { return registry_.get(); }
  // Runs the health checks of this node's own instances (after the
  // registry, before start): a part of the core whose runs `runner`
  // performs. The runner must outlive the core. nullptr without the
  // registry.
  health::Checker* enable_health(health::Runner& runner, const registry::Now& now);
  // nullptr when health checks are not enabled.
  health::Checker* health() noexcept { return health_.get(); }
  const health::Checker* health() const noexcept { return health_.get(); }

  // Runs `fn` as one entry: the owner's calls into a part (the registry's
  // operations) settle like the core's own.
  template <class F>
  decltype(auto) enter(TimePoint now, F&& fn) {
    Entry e(*this, now);
    return std::forward<F>(fn)();
  }

  // ---- operations (each one entry) ----
  serf::Status start(TimePoint now);
  void join(TimePoint now, std::vector<Address> seeds, serf::Serf::JoinDone done);
  serf::Status leave(TimePoint now, serf::Serf::LeaveDone done);
  serf::Status set_identity(TimePoint now, const serf::Identity& id);
  serf::Status user_event(TimePoint now, std::string_view name, ByteView payload, bool coalesce);

  // The keyring; no timer or table depends on it, so changing it needs no
  // entry.
  wire::Keyring& keyring() noexcept { return serf_->memberlist().keyring(); }

  // ---- reads ----
  Persisted persisted() const;
  const serf::Serf& serf() const noexcept { return *serf_; }
  const std::string& name() const noexcept { return serf_->config().memberlist.name; }

  // ---- swim::Machine (the driver's entry) ----
  void on_packet(TimePoint now, const Address& from, ByteView datagram) override;
  void on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) override;
  void on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) override;
  void on_timer(TimePoint now) override;
  TimePoint next_deadline() const override;
  wire::StreamDecodeOptions stream_decode_options() const override;

 private:
  // Marks an entry; the outermost one settles when it ends.
  class Entry {
   public:
    Entry(Core& c, TimePoint now);
    ~Entry();
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

   private:
    Core& core_;
  };
  class RegistryPart;
  class HealthPart;

  // serf::EventSink: forwarded in order.
  void on_member_event(const serf::MemberEvent& e) override;
  void on_member_changed(std::string_view name) override;
  void on_user_event(const serf::UserEvent& e) override;

  Observer& observer_;
  std::vector<Part*> parts_;
  TimePoint now_{};
  int depth_ = 0;
  Rng& rng_;
  LogSink& log_;
  // Declared after the parts list, so destroyed first, while what it may
  // still report to is alive.
  std::unique_ptr<serf::Serf> serf_;
  // Destroyed before the Serf layer it is the wkd handler of.
  std::unique_ptr<registry::Replica> registry_;
  std::unique_ptr<RegistryPart> registry_part_;
  // Destroyed before the registry it writes to.
  std::unique_ptr<health::Checker> health_;
  std::unique_ptr<HealthPart> health_part_;
};

}  // namespace wkd::core
