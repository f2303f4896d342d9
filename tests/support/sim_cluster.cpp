#include "support/sim_cluster.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/rng.hpp"
#include "support/memberlist_node.hpp"
#include "support/sim_filters.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"
#include "wire/keyring.hpp"

#ifdef WKD_SIM_HAVE_SERF
#include "support/serf_node.hpp"
#endif
#ifdef WKD_SIM_HAVE_CORE
#include "support/core_node.hpp"
#endif

namespace wkd::sim {

namespace {

std::uint64_t node_seed(std::uint64_t seed, std::size_t i) {
  Rng r(seed ^ (0x9e3779b97f4a7c15ULL * (i + 1)));
  return r.next();
}

swim::Config preset_config(Preset p) {
  switch (p) {
    case Preset::wan:
      return swim::Config::wan();
    case Preset::local:
      return swim::Config::local();
    case Preset::lan:
      break;
  }
  return swim::Config::lan();
}

}  // namespace

SimCluster::SimCluster(std::size_t n, std::uint64_t seed, Preset preset)
    : SimCluster(n, seed, [preset] {
        ClusterOptions o;
        o.preset = preset;
        return o;
      }()) {}

SimCluster::SimCluster(std::size_t n, std::uint64_t seed, ClusterOptions opts)
    : seed_(seed), opts_(std::move(opts)), net_(clock_, seed, opts_.net) {
  note_seed(seed);
  if (!opts_.keys.empty()) {
    auto made = wire::Keyring::make(opts_.keys);
    if (!made.ok()) throw std::invalid_argument("SimCluster: bad key: " + made.message());
    ring_ = std::move(made).value();
  }
  members_.reserve(n);
  nodes_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const NodeId id = net_.add_node(address_of(i, opts_.port));
    members_.push_back(make_member(i, id, opts_));
  }
}

// Node i as `o` makes it, attached to the network at `id`; each life of a
// node draws its own random seed.
std::unique_ptr<SimMember> SimCluster::make_member(std::size_t i, NodeId id, const ClusterOptions& o) {
  const wire::Keyring& ring = ring_;
  const std::uint64_t seed = seed_ + nodes_[i].lives * 0x9E3779B97F4A7C15ULL;
  ++nodes_[i].lives;
  swim::Config cfg = preset_config(o.preset);
  cfg.name = name_of(i);
  cfg.advertise = address_of(i, o.port);
  cfg.label = o.label;
  if (o.configure) o.configure(i, cfg);
  if (auto err = swim::validate(cfg); !err.empty()) throw std::invalid_argument("SimCluster: " + err);
  std::unique_ptr<SimMember> m;
  switch (o.engine) {
    case Engine::memberlist:
      m = std::make_unique<MemberlistNode>(net_, id, std::move(cfg), node_seed(seed, i), ring);
      break;
    case Engine::serf: {
#ifdef WKD_SIM_HAVE_SERF
      serf::Config sc;
      sc.memberlist = std::move(cfg);
      if (o.configure_serf) o.configure_serf(i, sc);
      if (auto err = serf::validate(sc); !err.empty()) throw std::invalid_argument("SimCluster: " + err);
      m = std::make_unique<SerfNode>(net_, id, std::move(sc), node_seed(seed, i), ring);
      break;
#else
      throw std::invalid_argument("SimCluster: built without the serf layer");
#endif
    }
    case Engine::core: {
#ifdef WKD_SIM_HAVE_CORE
      serf::Config sc;
      sc.memberlist = std::move(cfg);
      if (o.configure_serf) o.configure_serf(i, sc);
      if (auto err = serf::validate(sc); !err.empty()) throw std::invalid_argument("SimCluster: " + err);
      auto node = std::make_unique<CoreNode>(net_, id, std::move(sc), node_seed(seed, i), ring);
      if (o.configure_core) o.configure_core(i, *node);
      m = std::move(node);
      break;
#else
      throw std::invalid_argument("SimCluster: built without the core");
#endif
    }
  }
  m->set_event_hook([this, i](MemberEvent e, const MemberView& v) { record(i, e, v); });
  net_.attach(id, m.get());
  return m;
}

SimCluster::~SimCluster() {
  // Detach before the members go, so nothing queued can reach them.
  for (std::size_t i = 0; i < members_.size(); ++i) net_.attach(static_cast<NodeId>(i), nullptr);
}

std::string SimCluster::name_of(std::size_t i) { return "n" + std::to_string(i); }

Address SimCluster::address_of(std::size_t i, std::uint16_t port) {
  // 127.a.b.c: loopback-range addresses, used only as simulated names.
  return Address::v4(127, static_cast<std::uint8_t>(i / 64000), static_cast<std::uint8_t>((i / 250) % 256),
                     static_cast<std::uint8_t>(i % 250 + 1), port);
}

const Address& SimCluster::address(std::size_t i) const { return net_.address(static_cast<NodeId>(i)); }

std::size_t SimCluster::index_of(std::string_view name) const noexcept {
  if (name.size() < 2 || name[0] != 'n') return kNone;
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), v);
  if (ec != std::errc() || end != name.data() + name.size() || v >= members_.size()) return kNone;
  if (name.size() > 2 && name[1] == '0') return kNone;  // "n07" is not node 7
  return v;
}

// ---- lifecycle -------------------------------------------------------------

void SimCluster::start(std::size_t i) {
  if (nodes_.at(i).fate != Fate::idle) return;
  if (call(i, [&](TimePoint now) { members_[i]->start(now); })) nodes_[i].fate = Fate::running;
}

void SimCluster::start_all() {
  for (std::size_t i = 0; i < size(); ++i) start(i);
}

void SimCluster::join(std::size_t i, std::size_t j) {
  start(i);
  nodes_.at(i).joined.reset();
  const Address seed = address(j);
  call(i, [&](TimePoint now) {
    members_[i]->join(now, {seed}, [this, i](int joined, const std::string&) { nodes_[i].joined = joined; });
  });
}

void SimCluster::start_converged(std::size_t count) {
  count = std::min(count, size());
  for (std::size_t i = 0; i < count; ++i) start(i);
  std::vector<wire::PushNodeState> table;
  table.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (nodes_[i].fate != Fate::running) continue;
    const swim::NodeInfo& me = memberlist(i).local_node();
    wire::PushNodeState s;
    s.name = me.name;
    const ByteView ip = me.addr.ip_bytes();
    s.addr.assign(ip.begin(), ip.end());
    s.port = me.addr.port;
    s.meta = me.meta;
    s.incarnation = me.incarnation;
    s.state = swim::NodeState::alive;
    s.vsn = me.vsn;
    table.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (nodes_[i].fate != Fate::running) continue;
    call(i, [&](TimePoint now) { memberlist(i).adopt_members(now, table); });
  }
}

void SimCluster::join_all_to(std::size_t j) {
  start(j);
  for (std::size_t i = 0; i < size(); ++i) {
    if (i != j) join(i, j);
  }
}

std::optional<int> SimCluster::join_result(std::size_t i) const { return nodes_.at(i).joined; }

void SimCluster::leave(std::size_t i, Duration timeout) {
  call(i, [&](TimePoint now) {
    members_[i]->leave(now, timeout, [this, i](bool clean) {
      nodes_[i].leave_done = true;
      nodes_[i].leave_clean = clean;
      // The process exits once its leave is out; not from inside the engine.
      clock_.post(clock_.now(), [this, i] { shut_down(i); });
    });
  });
}

bool SimCluster::leave_finished(std::size_t i) const { return nodes_.at(i).leave_done; }

bool SimCluster::leave_clean(std::size_t i) const { return nodes_.at(i).leave_clean; }

bool SimCluster::all_leaves_finished() const {
  for (std::size_t i = 0; i < size(); ++i) {
    if (!leave_finished(i)) return false;
  }
  return true;
}

void SimCluster::shut_down(std::size_t i) {
  Slot& s = nodes_[i];
  if (s.fate == Fate::killed || s.fate == Fate::left) return;
  net_.kill(static_cast<NodeId>(i));
  s.fate = Fate::left;
}

void SimCluster::kill(std::size_t i) {
  net_.kill(static_cast<NodeId>(i));
  nodes_.at(i).fate = Fate::killed;
}

void SimCluster::restart(std::size_t i, const ClusterOptions* with) {
  if (nodes_.at(i).fate != Fate::killed) {
    throw std::logic_error("SimCluster::restart: " + name_of(i) + " was not killed");
  }
  const auto id = static_cast<NodeId>(i);
  net_.attach(id, nullptr);
  const std::uint32_t lives = nodes_[i].lives;
  nodes_[i] = Slot{};
  nodes_[i].lives = lives;
  members_[i].reset();  // the old process, detached above, is gone
  net_.revive(id);
  members_[i] = make_member(i, id, with != nullptr ? *with : opts_);
}

void SimCluster::pause(std::size_t i) {
  if (nodes_.at(i).fate != Fate::running) return;
  net_.pause(static_cast<NodeId>(i));
  nodes_[i].fate = Fate::paused;
}

void SimCluster::resume(std::size_t i) {
  if (nodes_.at(i).fate != Fate::paused) return;
  net_.resume(static_cast<NodeId>(i));
  nodes_[i].fate = Fate::running;
}

void SimCluster::slow(std::size_t i, double factor) { net_.set_slow(static_cast<NodeId>(i), factor); }

bool SimCluster::is_live(std::size_t i) const {
  const Fate f = nodes_.at(i).fate;
  return f == Fate::running || f == Fate::paused;
}

// ---- network ---------------------------------------------------------------

void SimCluster::set_link(std::size_t from, std::size_t to, const LinkSpec& spec) {
  net_.set_link(static_cast<NodeId>(from), static_cast<NodeId>(to), spec);
}

void SimCluster::partition(const std::vector<std::vector<std::size_t>>& groups) {
  std::vector<std::vector<NodeId>> ids;
  ids.reserve(groups.size());
  for (const auto& g : groups) ids.emplace_back(g.begin(), g.end());
  net_.partition(ids);
}

void SimCluster::block(std::size_t i) { net_.block(static_cast<NodeId>(i)); }

SimNetwork::FilterId SimCluster::drop_messages(std::size_t from, std::size_t to, wire::MsgType type) {
  PeekOptions peek;
  peek.label = opts_.label;
  const swim::Memberlist& receiver = memberlist(to == kAny ? 0 : to);
  if (!receiver.keyring().empty()) peek.keyring = &receiver.keyring();
  const NodeId f = from == kAny ? kNoNode : static_cast<NodeId>(from);
  const NodeId t = to == kAny ? kNoNode : static_cast<NodeId>(to);
  return net_.add_filter(drop_message_type(f, t, type, std::move(peek)));
}

// ---- waiting ---------------------------------------------------------------

bool SimCluster::wait_until(const std::function<bool()>& pred, Duration limit) {
  return clock_.run_until(pred, limit, opts_.poll);
}

bool SimCluster::wait_converged(Duration limit) {
  return wait_until([this] { return converged(); }, limit);
}

bool SimCluster::wait_state_everywhere(std::size_t subject, swim::NodeState state, Duration limit) {
  return wait_until([=, this] { return state_everywhere(subject, state); }, limit);
}

bool SimCluster::wait_state(std::size_t observer, std::size_t subject, swim::NodeState state, Duration limit) {
  return wait_until([=, this] { return state_of(observer, subject) == state; }, limit);
}

// ---- views -----------------------------------------------------------------

bool SimCluster::converged() const {
  if (unconverged_observer_ != kNone && is_live(unconverged_observer_) && is_live(unconverged_subject_)) {
    auto v = members_[unconverged_observer_]->view(name_of(unconverged_subject_));
    if (!v || v->state != swim::NodeState::alive) return false;
  }
  unconverged_observer_ = unconverged_subject_ = kNone;
  std::vector<std::size_t> live;
  live.reserve(size());
  for (std::size_t i = 0; i < size(); ++i) {
    if (is_live(i)) live.push_back(i);
  }
  // Cheap necessary condition first: enough members seen alive or suspect
  // (the observer that lacked some last time first).
  if (short_observer_ != kNone && is_live(short_observer_) &&
      members_[short_observer_]->num_alive() + 1 < live.size()) {
    return false;
  }
  for (std::size_t o : live) {
    if (members_[o]->num_alive() + 1 < live.size()) {
      short_observer_ = o;
      return false;
    }
  }
  short_observer_ = kNone;
  std::vector<std::string> names;
  names.reserve(live.size());
  for (std::size_t s : live) names.push_back(name_of(s));
  for (std::size_t o : live) {
    for (std::size_t k = 0; k < live.size(); ++k) {
      if (live[k] == o) continue;
      auto v = members_[o]->view(names[k]);
      if (!v || v->state != swim::NodeState::alive) {
        unconverged_observer_ = o;
        unconverged_subject_ = live[k];
        return false;
      }
    }
  }
  return true;
}

bool SimCluster::state_everywhere(std::size_t subject, swim::NodeState state) const {
  const std::string name = name_of(subject);
  for (std::size_t o = 0; o < size(); ++o) {
    if (o == subject || !is_live(o)) continue;
    auto v = members_[o]->view(name);
    if (!v || v->state != state) return false;
  }
  return true;
}

std::optional<swim::NodeState> SimCluster::state_of(std::size_t observer, std::size_t subject) const {
  auto v = members_.at(observer)->view(name_of(subject));
  if (!v) return std::nullopt;
  return v->state;
}

std::optional<std::uint32_t> SimCluster::incarnation_of(std::size_t observer, std::size_t subject) const {
  auto v = members_.at(observer)->view(name_of(subject));
  if (!v) return std::nullopt;
  return v->incarnation;
}

std::vector<SimCluster::Row> SimCluster::member_view(std::size_t i) const {
  std::vector<Row> rows;
  members_.at(i)->for_each_member([&rows](const MemberView& v) {
    rows.push_back(Row{std::string(v.name), v.state, v.incarnation});
  });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
  return rows;
}

std::string SimCluster::describe() const {
  static const char* const kFates[] = {"idle", "running", "paused", "killed", "left"};
  std::ostringstream out;
  out << "cluster of " << size() << " (seed " << seed_ << ") at t=" << to_ms(elapsed()) << " ms\n";
  for (std::size_t i = 0; i < size(); ++i) {
    const SimMember& m = *members_[i];
    std::size_t counts[4] = {0, 0, 0, 0};
    std::string odd;
    int listed = 0;
    m.for_each_member([&](const MemberView& v) {
      const auto s = static_cast<std::size_t>(v.state);
      if (s < 4) ++counts[s];
      if (v.state != swim::NodeState::alive && listed < 8) {
        odd += ' ';
        odd += std::string(v.name) + '=' + swim::node_state_name(v.state);
        ++listed;
      }
    });
    out << "  " << m.name() << ' ' << kFates[static_cast<int>(nodes_[i].fate)] << " inc=" << m.incarnation()
        << " health=" << m.health_score() << " sees alive=" << counts[0] << " suspect=" << counts[1]
        << " dead=" << counts[2] << " left=" << counts[3];
    if (!odd.empty()) out << " |" << odd;
    out << '\n';
  }
  out << "  network: delivered=" << net_.packets_delivered() << " drops: " << net_.drops().to_string() << '\n';
  return out.str();
}

// ---- accounting ------------------------------------------------------------

void SimCluster::record(std::size_t observer, MemberEvent e, const MemberView& v) {
  if (e != MemberEvent::leave && !opts_.record_joins) return;
  const std::size_t subject = index_of(v.name);
  bool up = false;
  if (subject != kNone) {
    const Fate f = nodes_[subject].fate;
    up = f != Fate::killed && f != Fate::left;
  }
  timeline_.push_back(TimelineEvent{clock_.now(), observer, subject, e, v.state, v.incarnation, up});
}

namespace {
bool is_false_failure(const TimelineEvent& e, const std::vector<std::size_t>& except) {
  if (e.event != MemberEvent::leave || e.state != swim::NodeState::dead || !e.subject_up) return false;
  if (e.subject == e.observer) return false;
  return std::find(except.begin(), except.end(), e.subject) == except.end();
}
}  // namespace

std::size_t SimCluster::false_failures(const std::vector<std::size_t>& except) const {
  return static_cast<std::size_t>(std::count_if(timeline_.begin(), timeline_.end(),
                                                [&](const TimelineEvent& e) { return is_false_failure(e, except); }));
}

std::size_t SimCluster::max_false_accusers(const std::vector<std::size_t>& except) const {
  std::map<std::size_t, std::set<std::size_t>> accusers;
  for (const TimelineEvent& e : timeline_) {
    if (is_false_failure(e, except)) accusers[e.subject].insert(e.observer);
  }
  std::size_t most = 0;
  for (const auto& [subject, who] : accusers) most = std::max(most, who.size());
  return most;
}

std::string SimCluster::describe_false_failures(const std::vector<std::size_t>& except) const {
  std::ostringstream out;
  for (const TimelineEvent& e : timeline_) {
    if (!is_false_failure(e, except)) continue;
    out << "t=" << to_ms(e.at - TimePoint{}) << " ms: " << name_of(e.observer) << " declared " << name_of(e.subject)
        << " dead (incarnation " << e.incarnation << ")\n";
  }
  return out.str();
}

std::optional<TimePoint> SimCluster::seen_everywhere_at(std::size_t subject, swim::NodeState state,
                                                        TimePoint since) const {
  std::vector<std::optional<TimePoint>> first(size());
  for (const TimelineEvent& e : timeline_) {
    if (e.subject != subject || e.state != state || e.at < since) continue;
    if (!first[e.observer]) first[e.observer] = e.at;
  }
  TimePoint latest = since;
  for (std::size_t o = 0; o < size(); ++o) {
    if (o == subject || !is_live(o)) continue;
    if (!first[o]) return std::nullopt;
    latest = std::max(latest, *first[o]);
  }
  return latest;
}

std::uint64_t SimCluster::log_count(LogLevel level) const {
  std::uint64_t n = 0;
  for (const auto& m : members_) n += m->log_count(level);
  return n;
}

swim::Memberlist& SimCluster::memberlist(std::size_t i) { return members_.at(i)->memberlist(); }

}  // namespace wkd::sim
