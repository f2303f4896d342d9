// RegCluster: the registry's cluster for the bench (registry_cluster.hpp).
#include "registry_cluster.hpp"

#include <cmath>

#include "core/core.hpp"
#include "support/core_node.hpp"

namespace wkd::bench {
namespace {

sim::ClusterOptions registry_options() {
  sim::ClusterOptions o;
  o.engine = sim::Engine::core;
  o.configure_serf = [](std::size_t, serf::Config& c) { c.tags["wkd"] = "1"; };
  o.configure_core = [](std::size_t i, sim::CoreNode& n) {
    registry::ReplicaConfig rc;
    rc.store.node = sim::SimCluster::name_of(i);
    rc.store.generation = 1;
    n.core().enable_registry(rc, registry::Now{TimePoint{}, kWallStart});
  };
  return o;
}

sim::CoreNode& core_node(sim::SimCluster& c, std::size_t i) { return static_cast<sim::CoreNode&>(c.member(i)); }

double secs(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

registry::Now now_of(TimePoint t) { return registry::Now{t, kWallStart + to_ms(t - TimePoint{})}; }

registry::InstanceKey bench_key(std::size_t owner, std::size_t k) {
  return registry::InstanceKey{"svc-" + std::to_string(k % 50), "n" + std::to_string(owner) + "-" + std::to_string(k)};
}

registry::Instance bench_instance(std::size_t owner, std::size_t k, std::size_t meta_bytes) {
  registry::Instance in;
  const auto key = bench_key(owner, k);
  in.service = key.service;
  in.id = key.id;
  // A documentation range (RFC 5737): the records only carry it.
  in.host = "198.51." + std::to_string(owner / 256 % 256) + "." + std::to_string(owner % 256);
  in.port = 8000 + static_cast<std::int64_t>(k % 1000);
  in.version = "1.4.2";
  in.tags = {"blue", "v1"};
  if (meta_bytes > 0) {
    const std::string key_text = "blob";
    const std::size_t value = meta_bytes > key_text.size() ? meta_bytes - key_text.size() : 1;
    // Letters from a generator, so that stream compression does not make
    // the metadata cheaper than real text would be.
    std::string text(value, 'a');
    std::uint64_t x = owner * 0x9e3779b97f4a7c15ULL + k + 1;
    for (char& ch : text) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      ch = static_cast<char>('a' + x % 26);
    }
    in.metadata[key_text] = std::move(text);
  }
  return in;
}

RegCluster::RegCluster(std::size_t nodes, std::size_t extra, std::uint64_t seed)
    : nodes_(nodes), c_(std::make_unique<sim::SimCluster>(nodes + extra, seed, registry_options())) {
  c_->start_converged(nodes);
}

RegCluster::~RegCluster() = default;

registry::Replica& RegCluster::replica(std::size_t i) { return *core_node(*c_, i).core().registry(); }

bool RegCluster::act(std::size_t i, const std::function<void(registry::Replica&, const registry::Now&)>& fn) {
  return c_->net().call(static_cast<sim::NodeId>(i), [&](sim::SimNode&, TimePoint now) {
    core_node(*c_, i).core().enter(now, [&] { fn(replica(i), now_of(now)); });
  });
}

void RegCluster::drain_changes() {
  for (std::size_t i = 0; i < c_->size(); ++i) {
    if (c_->fate(i) == sim::SimCluster::Fate::idle || c_->fate(i) == sim::SimCluster::Fate::killed) continue;
    replica(i).drain_changes();
  }
  drained_at_ = c_->now();
}

void RegCluster::run_for(Duration d) {
  const TimePoint end = c_->now() + d;
  while (c_->now() < end) {
    c_->run_for(std::min<Duration>(seconds(1), end - c_->now()));
    drain_changes();
  }
}

bool RegCluster::wait_until(const std::function<bool()>& pred, Duration limit) {
  return c_->wait_until(
      [&] {
        if (c_->now() - drained_at_ >= seconds(1)) drain_changes();
        return pred();
      },
      limit);
}

Reach RegCluster::wait_reach(std::size_t subject, const std::function<bool(std::size_t)>& holds, Duration limit) {
  Reach r;
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < c_->size(); ++i) {
    if (i != subject && c_->is_live(i)) pending.push_back(i);
  }
  const std::size_t observers = pending.size();
  const auto most = static_cast<std::size_t>(std::ceil(static_cast<double>(observers) * 0.9999));
  r.needed = observers;
  const TimePoint from = c_->now();
  wait_until(
      [&] {
        std::erase_if(pending, [&](std::size_t i) { return holds(i); });
        const std::size_t got = observers - pending.size();
        if (!r.most_s && got >= most) r.most_s = secs(c_->now() - from);
        return pending.empty();
      },
      limit);
  r.reached = observers - pending.size();
  if (pending.empty()) r.all_s = secs(c_->now() - from);
  return r;
}

std::size_t RegCluster::live_nodes() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < c_->size(); ++i) n += c_->is_live(i) ? 1 : 0;
  return n;
}

std::size_t RegCluster::wkd_queued() {
  std::size_t q = 0;
  for (std::size_t i = 0; i < c_->size(); ++i) {
    if (c_->is_live(i)) q += core_node(*c_, i).core().serf().stats().wkd_queue;
  }
  return q;
}

std::optional<double> RegCluster::wait_gossip_drained(Duration limit) {
  const TimePoint from = c_->now();
  while (wkd_queued() > 0) {
    if (c_->now() - from >= limit) return std::nullopt;
    run_for(seconds(1));
  }
  return secs(c_->now() - from);
}

std::uint64_t RegCluster::registry_bytes() {
  std::uint64_t b = 0;
  for (std::size_t i = 0; i < c_->size(); ++i) {
    if (c_->is_live(i)) b += replica(i).stats().bytes_sent;
  }
  return b;
}

std::uint64_t RegCluster::network_bytes() {
  std::uint64_t b = 0;
  for (std::size_t i = 0; i < c_->size(); ++i) {
    const auto& k = c_->net().counters(static_cast<sim::NodeId>(i));
    b += k.bytes_out + k.stream_bytes_out;
  }
  return b;
}

}  // namespace wkd::bench
