#include "agent/agent.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "wkd/version.h"

namespace wkd::agent {

namespace {

// How often the agent checks its snapshot and health bookkeeping.
constexpr std::uint64_t kTickMs = 1000;
// Answers already on their way (a PUT /v1/cluster/leave reply) get this
// long to reach their clients before the HTTP server closes.
constexpr std::uint64_t kDrainMs = 250;

template <class H>
void close_and_delete(H*& h) {
  if (h == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* x) { delete reinterpret_cast<H*>(x); });
  h = nullptr;
}

const char* change_text(runtime::EventType t) {
  switch (t) {
    case runtime::EventType::member_joined: return "joined";
    case runtime::EventType::member_updated: return "updated";
    case runtime::EventType::member_suspect: return "suspect";
    case runtime::EventType::member_failed: return "failed";
    case runtime::EventType::member_left: return "left";
    case runtime::EventType::member_reaped: return "reaped";
    default: return "event";
  }
}

// serf's keyring file: a JSON array of base64 keys, the primary first.
bool read_keyring_file(const std::string& path, std::vector<Bytes>* keys, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = path + ": cannot read the keyring file: " + std::strerror(errno);
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  auto j = nlohmann::json::parse(buf.str(), nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    *err = path + ": the keyring file must be a JSON array of base64 keys";
    return false;
  }
  for (const auto& k : j) {
    if (!k.is_string()) {
      *err = path + ": a keyring entry is not a string";
      return false;
    }
    auto raw = base64_decode(k.get<std::string>());
    if (!raw || !wire::Keyring::validate_key(*raw).ok()) {
      *err = path + ": '" + k.get<std::string>() + "' is not a base64 key of 16, 24 or 32 bytes";
      return false;
    }
    keys->push_back(std::move(*raw));
  }
  if (keys->empty()) {
    *err = path + ": the keyring file holds no key";
    return false;
  }
  return true;
}

}  // namespace

Agent::Agent(config::AgentConfig cfg, const AgentLog& log) : cfg_(std::move(cfg)), log_(log) {}

Agent::~Agent() = default;

std::string Agent::node_name() const { return cfg_.node_name; }

std::shared_ptr<const runtime::View> Agent::view() const { return node_ ? node_->view() : nullptr; }

runtime::NodeStats Agent::stats() const { return node_ ? node_->stats() : runtime::NodeStats{}; }

int Agent::awareness_max() const { return cfg_.swim().awareness_max_multiplier; }

std::uint64_t Agent::http_connections() const { return http_ ? http_->connections() : 0; }

HealthInputs Agent::health_inputs() const {
  HealthInputs in;
  in.leaving = leaving_ && !left_;
  in.left = left_;
  in.seeds_configured = !cfg_.seeds.empty();
  in.any_seed_answered = peer_answered_;
  in.awareness = static_cast<int>(stats().health_score);
  in.awareness_max = awareness_max();
  in.own_health = node_ ? serf::health_name(node_->identity().health) : "passing";
  in.snapshot_problem = snapshot_problem_;
  in.registrations_problem = registrations_problem_;
  return in;
}

bool Agent::build_keyring(wire::Keyring* out, std::string* err) {
  // Keys rotated at run time live in the snapshot; the keyring file and the
  // encrypt key are the configured starting point.
  std::vector<Bytes> keys;
  if (restored_) {
    for (const auto& k : restored_->keys) {
      if (auto raw = base64_decode(k)) keys.push_back(std::move(*raw));
    }
  }
  if (!cfg_.keyring_file.empty()) {
    std::vector<Bytes> file_keys;
    if (!read_keyring_file(cfg_.keyring_file, &file_keys, err)) return false;
    keys.insert(keys.end(), file_keys.begin(), file_keys.end());
  }
  const Bytes key = cfg_.encrypt_key();
  if (!key.empty()) keys.push_back(key);
  if (keys.empty()) return true;
  auto ring = wire::Keyring::make(keys);
  if (!ring.ok()) {
    *err = "keyring: " + ring.message();
    return false;
  }
  *out = std::move(*ring);
  return true;
}

bool Agent::start() {
  const std::string& name = cfg_.node_name;
  if (!cfg_.snapshot_path.empty()) {
    auto snap = load_snapshot(cfg_.snapshot_path);
    if (!snap.ok() && snap.code() == SnapshotErr::io) {
      log_.write(LogLevel::error, name, snap.message());
      return false;
    }
    if (!snap.ok()) {
      // Keep the damaged file for inspection and start without it.
      const std::string aside = cfg_.snapshot_path + ".corrupt";
      std::rename(cfg_.snapshot_path.c_str(), aside.c_str());
      snapshot_problem_ = "snapshot unusable (" + snap.message() + "); moved to " + aside;
      log_.write(LogLevel::warn, name, snapshot_problem_ + ", starting without it");
    } else if (*snap) {
      restored_ = std::move(**snap);
      log_.write(LogLevel::info, name,
                 "snapshot " + cfg_.snapshot_path + ": " + std::to_string(restored_->peers.size()) +
                     " known member(s), clocks " + std::to_string(restored_->member_clock) + "/" +
                     std::to_string(restored_->event_clock) + "/" + std::to_string(restored_->query_clock));
    }
  }

  load_registrations();

  runtime::NodeOptions opts;
  opts.serf.memberlist = cfg_.swim();
  opts.serf.memberlist.name = name;
  opts.serf.reconnect_timeout = std::chrono::milliseconds(cfg_.reconnect_timeout_ms);
  opts.registry_config.store.down_drop_after = std::chrono::milliseconds(cfg_.registry_down_drop_after_ms);
  opts.registry_config.store.tombstone_retention = std::chrono::milliseconds(cfg_.registry_tombstone_retention_ms);
  opts.registry_config.sync_interval = std::chrono::milliseconds(cfg_.registry_sync_interval_ms);
  if (restored_) {
    opts.serf.restore_member_clock = restored_->member_clock;
    opts.serf.restore_event_clock = restored_->event_clock;
    opts.serf.restore_query_clock = restored_->query_clock;
  }
  opts.script_checks = cfg_.script_checks;
  opts.bind = cfg_.bind;
  if (cfg_.advertise) opts.advertise = *cfg_.advertise;
  std::string err;
  if (!build_keyring(&opts.keyring, &err)) {
    log_.write(LogLevel::error, name, err);
    return false;
  }
  opts.identity.wkd_version = WKD_VERSION_STRING;
  opts.identity.database_type = cfg_.database_type;
  opts.identity.wire_protocol = cfg_.wire_protocol;
  opts.identity.endpoint = cfg_.endpoint;
  opts.identity.groups = cfg_.groups;
  opts.identity.capabilities = cfg_.capabilities;
  for (const auto& [k, v] : cfg_.tags) opts.identity.tags[k] = v;
  if (cfg_.http_enabled && cfg_.http.port != 0 && !opts.identity.tags.count(std::string(kHttpAddrTag))) {
    opts.identity.tags[std::string(kHttpAddrTag)] = cfg_.http.to_string();
  }
  LogLevel level = LogLevel::info;
  parse_log_level(cfg_.log_level, &level);
  opts.log_level = level;
  const AgentLog* log = &log_;
  opts.log = [log](LogLevel l, const std::string& node, const std::string& line) { log->write(l, node, line); };

  auto created = runtime::Node::create(std::move(opts), &loop_);
  if (!created.ok()) {
    log_.write(LogLevel::error, name, "cannot create the node: " + created.message());
    return false;
  }
  node_ = std::move(*created);
  if (auto st = node_->start(); !st.ok()) {
    log_.write(LogLevel::error, name, "cannot start the node: " + st.message());
    return false;
  }

  service_defs_ = std::make_unique<ServiceDefs>(&loop_, node_, log_, name);
  if (std::string refused = service_defs_->apply(cfg_.services); !refused.empty()) {
    log_.write(LogLevel::error, name, "cannot register the configured " + refused);
    return false;
  }

  replay_registrations();

  auto w = node_->watch(runtime::WatchKind::members, "", 0, 0, [this](const runtime::Event& ev) {
    if (ev.member == nullptr) return;
    snapshot_dirty_ = true;
    if (!ev.member->is_local && ev.type == runtime::EventType::member_joined) peer_answered_ = true;
    log_.write(LogLevel::info, cfg_.node_name,
               std::string("member ") + change_text(ev.type) + ": " + ev.member->name + " " +
                   std::string(ev.member->address) + ":" + std::to_string(ev.member->addr.port));
  });
  if (w.ok()) watch_ = std::move(*w);
  auto u = node_->watch(runtime::WatchKind::user_events, "", 0, 0, [this](const runtime::Event& ev) {
    log_.write(LogLevel::info, cfg_.node_name,
               "user event: " + ev.name + " (" + std::to_string(ev.payload.size()) + " byte payload, ltime " +
                   std::to_string(ev.ltime) + ")");
  });
  if (u.ok()) event_watch_ = std::move(*u);

  if (cfg_.http_enabled) {
    api_ = std::make_unique<Api>(*this);
    auth_ = std::make_unique<Authorizer>(cfg_.tokens);
    auto srv = http::Server::listen(&loop_, cfg_.http, http::Limits{},
                                    [this](const http::Request& r, std::shared_ptr<http::Responder> out) {
                                      if (auto refused = auth_->check(r)) {
                                        log_.write(LogLevel::debug, cfg_.node_name,
                                                   "HTTP " + std::to_string(refused->status) + " " + r.method +
                                                       " " + r.path + ": " + refused->body);
                                        out->send(std::move(*refused));
                                        return;
                                      }
                                      api_->handle(r, std::move(out));
                                    });
    if (!srv.ok()) {
      log_.write(LogLevel::error, name, "cannot serve HTTP on " + cfg_.http.to_string() + ": " + srv.message());
      return false;
    }
    http_ = std::move(*srv);
  }

  auto on_sig = [](uv_signal_t* s, int signum) { static_cast<Agent*>(s->data)->on_signal(signum); };
  for (auto [handle, signum] : {std::pair{&sigint_, SIGINT}, std::pair{&sigterm_, SIGTERM}, std::pair{&sighup_, SIGHUP}}) {
    *handle = new uv_signal_t;
    uv_signal_init(&loop_, *handle);
    (*handle)->data = this;
    uv_signal_start(*handle, on_sig, signum);
  }

  tick_ = new uv_timer_t;
  uv_timer_init(&loop_, tick_);
  tick_->data = this;
  uv_timer_start(tick_, [](uv_timer_t* t) { static_cast<Agent*>(t->data)->on_tick(); }, kTickMs, kTickMs);

  // Seeds first, then whoever the snapshot knew.
  std::vector<std::string> targets = cfg_.seeds;
  std::set<std::string> seen(targets.begin(), targets.end());
  if (restored_) {
    for (const auto& p : restored_->peers) {
      if (p.name != name && seen.insert(p.address).second) targets.push_back(p.address);
    }
  }
  log_.write(LogLevel::info, name,
             "agent started: wkd " + std::string(WKD_VERSION_STRING) + ", gossip on " +
                 node_->local_address().to_string() + ", HTTP " +
                 (http_ ? "on " + http_->local_address().to_string() : std::string("disabled")) + ", profile " +
                 config::profile_name(cfg_.profile) + ", " + std::to_string(targets.size()) + " join target(s)");
  if (auth_) {
    log_.write(LogLevel::info, name,
               auth_->enabled() ? "HTTP API authenticated: " + auth_->describe()
               : cfg_.allow_unauthenticated_remote
                   ? std::string("HTTP API unauthenticated (no [[agent.token]]), remote access allowed by "
                                 "allow_unauthenticated_remote")
                   : std::string("HTTP API unauthenticated (no [[agent.token]]): loopback only"));
  }
  if (!targets.empty()) {
    joiner_ = std::make_unique<SeedJoiner>(&loop_, node_, std::move(targets), cfg_.seeds, log_, SeedJoiner::Options{});
    joiner_->start([this](int) { peer_answered_ = true; });
  }
  return true;
}

int Agent::run() {
  uv_loop_init(&loop_);
  if (!start()) {
    exit_code_ = 1;
    finished_ = true;
    close_handles();
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  watch_.reset();
  event_watch_.reset();
  service_defs_.reset();
  node_.reset();
  if (uv_loop_close(&loop_) != 0) {
    // Something still holds a handle: run it down rather than leak.
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
  }
  return exit_code_;
}

void Agent::on_signal(int signum) {
  if (signum == SIGHUP) {
    reload();
    return;
  }
  const char* what = signum == SIGINT ? "SIGINT" : "SIGTERM";
  if (leaving_) {
    log_.write(LogLevel::warn, cfg_.node_name, std::string(what) + " again: stopping without waiting for the leave");
    exit_code_ = 1;
    finish(false, "stopped by a second signal");
    return;
  }
  log_.write(LogLevel::info, cfg_.node_name, std::string(what) + ": leaving the cluster");
  begin_leave(nullptr);
}

void Agent::reload() {
  const std::string& name = cfg_.node_name;
  if (leaving_ || finished_ || !service_defs_) return;
  if (cfg_.source.empty()) {
    log_.write(LogLevel::warn, name, "SIGHUP: no configuration file to read again");
    return;
  }
  auto next = config::load_file(cfg_.source);
  const std::string keeping = "; keeping the " + std::to_string(service_defs_->size()) + " running service definition(s)";
  if (!next.ok()) {
    log_.write(LogLevel::error, name, "SIGHUP: reload refused: " + next.message() + keeping);
    return;
  }
  if (next->script_checks != cfg_.script_checks) {
    log_.write(LogLevel::error, name,
               "SIGHUP: reload refused: " + cfg_.source + ": agent.script_checks: takes a restart to change" + keeping);
    return;
  }
  // Only the service definitions are applied; every other setting takes a
  // restart.
  if (std::string refused = service_defs_->apply(next->services); !refused.empty()) {
    log_.write(LogLevel::error, name, "SIGHUP: reload stopped: " + refused);
    return;
  }
  cfg_.services = std::move(next->services);
  log_.write(LogLevel::info, name,
             "SIGHUP: configuration read again, " + std::to_string(service_defs_->size()) + " service definition(s)");
}

void Agent::begin_leave(std::function<void(bool, std::string)> done) {
  if (done) leave_waiters_.push_back(std::move(done));
  if (leaving_ || finished_) return;
  leaving_ = true;
  if (joiner_) joiner_->stop(nullptr);
  leave_timer_ = new uv_timer_t;
  uv_timer_init(&loop_, leave_timer_);
  leave_timer_->data = this;
  uv_timer_start(leave_timer_, [](uv_timer_t* t) {
    auto* a = static_cast<Agent*>(t->data);
    a->finish(false, "the leave did not finish within leave_timeout_ms = " + std::to_string(a->cfg_.leave_timeout_ms));
  }, static_cast<std::uint64_t>(cfg_.leave_timeout_ms), 0);
  node_->leave_async([this](runtime::Status st) { finish(st.ok(), st.ok() ? "" : st.message()); });
}

void Agent::leave(std::function<void(bool, std::string)> done) { begin_leave(std::move(done)); }

void Agent::finish(bool clean, const std::string& why) {
  if (finished_) return;
  finished_ = true;
  left_ = true;
  if (clean) {
    log_.write(LogLevel::info, cfg_.node_name, "left the cluster");
  } else {
    log_.write(LogLevel::warn, cfg_.node_name, "stopping: " + why);
  }
  save_snapshot_now();
  save_registrations_now();
  for (auto& w : leave_waiters_) w(clean, why);
  leave_waiters_.clear();
  // Let the answers just sent reach their clients, then close everything.
  auto* drain = new uv_timer_t;
  uv_timer_init(&loop_, drain);
  drain->data = this;
  uv_timer_start(drain, [](uv_timer_t* t) {
    static_cast<Agent*>(t->data)->close_handles();
    uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  }, kDrainMs, 0);
}

void Agent::close_handles() {
  close_and_delete(leave_timer_);
  close_and_delete(tick_);
  close_and_delete(sigint_);
  close_and_delete(sigterm_);
  close_and_delete(sighup_);
  if (joiner_) joiner_->stop(nullptr);
  if (http_) http_->close(nullptr);
  if (watch_ && node_) node_->unwatch(watch_);
  if (event_watch_ && node_) node_->unwatch(event_watch_);
  if (node_) node_->close();
}

void Agent::on_tick() {
  if (finished_) return;
  if (!peer_answered_) {
    if (auto v = view(); v && v->alive + v->leaving > 0) peer_answered_ = true;
  }
  // The member list is saved when it changed; the clocks every ten ticks.
  constexpr int kClockEvery = 10;
  if (snapshot_dirty_ || ++ticks_ % kClockEvery == 0) save_snapshot_now();
  if (registrations_dirty_) save_registrations_now();
}

std::string Agent::registrations_path() const {
  return cfg_.snapshot_path.empty() ? "" : cfg_.snapshot_path + ".services";
}

void Agent::registration_changed(const registry::InstanceKey& key, const std::string* body) {
  if (registrations_path().empty()) return;
  if (body != nullptr) {
    registrations_[key] = *body;
  } else if (registrations_.erase(key) == 0) {
    return;
  }
  registrations_dirty_ = true;
}

void Agent::load_registrations() {
  const std::string path = registrations_path();
  if (path.empty()) return;
  auto text = read_state_file(path);
  SnapshotResult<Registrations> r = Registrations{};
  if (!text.ok()) {
    r = SnapshotResult<Registrations>::fail(text.code(), text.message());
  } else if (*text) {
    r = decode_registrations(**text);
    if (!r.ok()) r = SnapshotResult<Registrations>::fail(SnapshotErr::corrupt, path + ": " + r.message());
  }
  if (r.ok()) {
    registrations_ = std::move(*r);
    return;
  }
  // Unreadable or corrupt: kept aside for inspection, as the snapshot is.
  const std::string aside = path + ".corrupt";
  std::rename(path.c_str(), aside.c_str());
  registrations_problem_ = "API registrations unusable (" + r.message() + "); moved to " + aside;
  log_.write(LogLevel::warn, cfg_.node_name, registrations_problem_ + ", starting without them");
}

void Agent::replay_registrations() {
  for (auto it = registrations_.begin(); it != registrations_.end();) {
    if (std::string err = register_body(*node_, it->second); !err.empty()) {
      log_.write(LogLevel::warn, cfg_.node_name,
                 "API registration " + it->first.service + "/" + it->first.id + " not restored: " + err);
      it = registrations_.erase(it);
      registrations_dirty_ = true;
      continue;
    }
    ++it;
  }
  if (!registrations_.empty()) {
    log_.write(LogLevel::info, cfg_.node_name,
               std::to_string(registrations_.size()) + " API registration(s) restored from " + registrations_path());
  }
}

void Agent::save_registrations_now() {
  const std::string path = registrations_path();
  if (path.empty() || !registrations_dirty_) return;
  if (auto st = write_state_file(path, encode_registrations(registrations_)); !st.ok()) {
    registrations_problem_ = "API registrations not saved: " + st.message();
    log_.write(LogLevel::warn, cfg_.node_name, registrations_problem_);
    return;
  }
  registrations_dirty_ = false;
  registrations_problem_.clear();
}

void Agent::save_snapshot_now() {
  if (cfg_.snapshot_path.empty() || !node_) return;
  auto p = node_->persisted();
  if (!p.ok()) return;
  Snapshot s;
  s.node = cfg_.node_name;
  s.member_clock = p->member_clock;
  s.event_clock = p->event_clock;
  s.query_clock = p->query_clock;
  for (const auto& peer : p->peers) s.peers.push_back({peer.name, peer.address.to_string()});
  for (const auto& k : p->keys) s.keys.push_back(base64_encode(k));
  snapshot_dirty_ = false;
  std::string text = encode_snapshot(s);
  if (text == last_snapshot_) return;
  s.saved_unix_ms = unix_now_ms();
  if (auto st = wkd::agent::save_snapshot(cfg_.snapshot_path, s); !st.ok()) {
    log_.write(LogLevel::warn, cfg_.node_name, "snapshot not saved: " + st.message());
    return;
  }
  last_snapshot_ = std::move(text);
}

void Agent::join(std::vector<std::string> addresses, std::function<void(bool, int, std::string)> done) {
  if (!node_ || leaving_) {
    done(false, 0, "the agent is leaving");
    return;
  }
  node_->join_async(std::move(addresses), [this, done](runtime::Status st, int n) {
    if (st.ok() && n > 0) peer_answered_ = true;
    done(st.ok() && n > 0, n, st.ok() ? "" : st.message());
  });
}

std::string Agent::fire_event(const std::string& name, const std::string& payload, bool* too_big) {
  if (!node_) return "the node is not running";
  auto st = node_->fire_event(name, ByteView(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()),
                              false);
  if (st.ok()) return "";
  *too_big = st.code() == runtime::Err::too_big;
  return st.message();
}

}  // namespace wkd::agent
