// Serf facade: binds the Engine to a Memberlist (see serf.hpp for the
// re-entrancy scheme).
#include "serf/serf.hpp"

#include <utility>

namespace wkd::serf {

class Serf::Scope {
 public:
  Scope(Serf& s, TimePoint now) : s_(s) {
    s_.now_ = now;
    ++s_.depth_;
  }
  ~Scope() {
    if (--s_.depth_ != 0) return;
    s_.flush();
    // Whatever the call queued in the engine is gossiped from the next
    // tick on: memberlist's ticker stops while both sides have nothing.
    if (s_.started_ && s_.engine_.has_broadcasts()) s_.memberlist_->wake_gossip(s_.now_);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Serf& s_;
};

// ---------------------------------------------------------------- Host (deferred)

class Serf::Deferred final : public Host {
 public:
  explicit Deferred(Serf& s) : s_(s) {}

  void send_user_packet(TimePoint now, const Address& to, ByteView serf_message) override {
    s_.defer([this, now, to, msg = Bytes(serf_message.begin(), serf_message.end())] {
      s_.memberlist_->send_user_packet(now, to, msg);
    });
  }

  void join(TimePoint now, std::vector<Address> seeds, JoinDone done) override {
    s_.defer([this, now, seeds = std::move(seeds), done = std::move(done)]() mutable {
      s_.memberlist_->join(now, std::move(seeds), [this, done = std::move(done)](int joined, std::string errors) {
        if (done) done(s_.now_, joined, std::move(errors));
      });
    });
  }

  void leave(TimePoint now, Duration timeout, LeaveDone done) override {
    s_.defer([this, now, timeout, done = std::move(done)]() mutable {
      s_.memberlist_->leave(now, timeout, [this, done = std::move(done)](bool sent) {
        if (done) done(s_.now_, sent);
      });
    });
  }

  void remove_node(TimePoint, std::string_view name) override {
    s_.defer([this, name = std::string(name)] { s_.memberlist_->remove_node(name); });
  }

  void update_meta(TimePoint now) override {
    s_.defer([this, now] {
      if (auto st = s_.memberlist_->update_meta(now); !st) {
        s_.log(LogLevel::error, "failed to update node meta: " + st.message());
      }
    });
  }

 private:
  Serf& s_;
};

Serf::Serf(Config cfg, swim::Runtime& rt, Rng& rng, LogSink& log, EventSink& events, wire::Keyring keyring)
    : log_(log), events_(events), host_(std::make_unique<Deferred>(*this)), engine_(cfg, *host_, rng, log, events) {
  memberlist_ = std::make_unique<swim::Memberlist>(std::move(cfg.memberlist), static_cast<swim::Delegate&>(*this),
                                                   rt, rng, log, std::move(keyring));
}

Serf::~Serf() {
  // Requests made while the members are torn down are dropped.
  destroying_ = true;
  deferred_.clear();
}

void Serf::log(LogLevel level, const std::string& line) {
  if (level >= log_.min_level()) log_.log(level, "serf: " + line);
}

void Serf::defer(std::function<void()> op) {
  if (!destroying_) deferred_.push_back(std::move(op));
}

void Serf::flush() {
  if (flushing_) return;
  flushing_ = true;
  while (!deferred_.empty()) {
    auto ops = std::move(deferred_);
    deferred_.clear();
    for (auto& op : ops) {
      ++depth_;  // requests made by the op (or by delegate hooks it triggers) queue up
      op();
      --depth_;
    }
  }
  flushing_ = false;
}

// ---------------------------------------------------------------- commands

Status Serf::start(TimePoint now) {
  Scope scope(*this, now);
  if (auto st = engine_.start(now); !st) return st;
  memberlist_->start(now);
  started_ = true;
  // memberlist announces the local node through notify_join; make sure the
  // table has it even if that happens later.
  if (engine_.find(engine_.name()) == nullptr) engine_.notify_join(now, memberlist_->local_node());
  return {};
}

void Serf::join(TimePoint now, std::vector<Address> seeds, JoinDone done, bool ignore_old) {
  Scope scope(*this, now);
  engine_.join(now, std::move(seeds), std::move(done), ignore_old);
}

Status Serf::leave(TimePoint now, LeaveDone done) {
  Scope scope(*this, now);
  return engine_.leave(now, std::move(done));
}

Status Serf::set_tags(TimePoint now, wire::Tags tags) {
  Scope scope(*this, now);
  return engine_.set_tags(now, std::move(tags));
}

Status Serf::set_identity(TimePoint now, const Identity& id) {
  auto tags = to_tags(id);
  if (!tags) return std::move(tags).failure();
  return set_tags(now, std::move(*tags));
}

Status Serf::user_event(TimePoint now, std::string_view name, ByteView payload, bool coalesce) {
  Scope scope(*this, now);
  return engine_.user_event(now, name, payload, coalesce);
}

Result<std::uint32_t> Serf::query(TimePoint now, std::string_view name, ByteView payload,
                                  QueryParams params, QueryHandlers handlers) {
  Scope scope(*this, now);
  return engine_.query(now, name, payload, std::move(params), std::move(handlers));
}

Status Serf::respond(TimePoint now, const QueryEvent& q, ByteView payload) {
  Scope scope(*this, now);
  return engine_.respond(now, q, payload);
}

Status Serf::force_leave(TimePoint now, std::string_view name, bool prune) {
  Scope scope(*this, now);
  return engine_.force_leave(now, name, prune);
}

Status Serf::broadcast_wkd(TimePoint now, ByteView msg, std::string key) {
  Scope scope(*this, now);
  return engine_.broadcast_wkd(msg, std::move(key));
}

Status Serf::send_wkd(TimePoint now, const Address& to, ByteView msg) {
  if (msg.empty() || !is_wkd_type(msg[0])) {
    return Failure<Err>{Err::invalid_argument, "wkd message must start with a type byte in 0xE0..0xEF"};
  }
  Scope scope(*this, now);
  // Deferred: this may be called from a delegate hook, inside memberlist.
  defer([this, to, m = Bytes(msg.begin(), msg.end())] { memberlist_->send_user_packet(now_, to, m); });
  return {};
}

Status Serf::request_wkd(TimePoint now, const Address& to, ByteView msg, Duration timeout,
                         swim::Memberlist::ReplyDone done) {
  if (msg.empty() || !is_wkd_type(msg[0])) {
    return Failure<Err>{Err::invalid_argument, "wkd request must start with a type byte in 0xE0..0xEF"};
  }
  if (!started_) return Failure<Err>{Err::state, "the node has not started"};
  Scope scope(*this, now);
  defer([this, to, timeout, m = Bytes(msg.begin(), msg.end()), done = std::move(done)]() mutable {
    memberlist_->request(now_, to, m, timeout, [done = std::move(done)](TimePoint t, swim::Memberlist::Reply r) {
      // Called from inside memberlist: the Serf entry around it flushes
      // whatever the handler asks of memberlist in turn.
      if (done) done(t, std::move(r));
    });
  });
  return {};
}

// ---------------------------------------------------------------- views

Member Serf::with_last_seen(const Member& m, const swim::NodeInfo* record) {
  Member out = m;
  if (record != nullptr) out.last_seen = record->last_seen;
  return out;
}

std::vector<Member> Serf::members() const {
  std::vector<Member> out;
  out.reserve(engine_.member_table().size());
  for_each_member([&](const Member& m, const swim::NodeInfo* record) { out.push_back(with_last_seen(m, record)); });
  return out;
}

std::optional<Member> Serf::find(std::string_view name) const {
  const Member* m = engine_.find(name);
  if (m == nullptr) return std::nullopt;
  return with_last_seen(*m, memberlist_record(m->name));
}

// ---------------------------------------------------------------- runtime driving

void Serf::on_packet(TimePoint now, const Address& from, ByteView datagram) {
  Scope scope(*this, now);
  memberlist_->on_packet(now, from, datagram);
}

void Serf::on_stream_message(TimePoint now, swim::ConnId id, const Address& from, ByteView message) {
  Scope scope(*this, now);
  memberlist_->on_stream_message(now, id, from, message);
}

void Serf::on_stream_closed(TimePoint now, swim::ConnId id, std::string_view reason) {
  Scope scope(*this, now);
  memberlist_->on_stream_closed(now, id, reason);
}

void Serf::on_timer(TimePoint now) {
  Scope scope(*this, now);
  if (memberlist_->next_deadline() <= now) memberlist_->on_timer(now);
  engine_.on_timer(now);
}

TimePoint Serf::next_deadline() const noexcept {
  return std::min(memberlist_->next_deadline(), engine_.next_deadline());
}

// ---------------------------------------------------------------- swim::Delegate

Bytes Serf::node_meta(std::size_t limit) { return engine_.node_meta(limit); }

void Serf::notify_msg(ByteView msg) { engine_.notify_msg(now_, msg); }

std::optional<Bytes> Serf::answer_stream_msg(ByteView msg) { return engine_.answer_wkd_request(now_, msg); }

void Serf::get_broadcasts(const swim::NodeInfo* target, std::size_t overhead, std::size_t limit,
                          std::vector<Bytes>& out) {
  engine_.get_broadcasts(now_, target, overhead, limit, out);
}

Bytes Serf::local_state(bool join, const swim::NodeInfo* peer) { return engine_.local_state(now_, join, peer); }

void Serf::merge_remote_state(ByteView state, bool join, const swim::NodeInfo* peer) {
  engine_.merge_remote_state(now_, state, join, peer);
}

void Serf::notify_join(const swim::NodeInfo& node) { engine_.notify_join(now_, node); }

void Serf::notify_leave(const swim::NodeInfo& node) { engine_.notify_leave(now_, node); }

void Serf::notify_update(const swim::NodeInfo& node) { engine_.notify_update(now_, node); }

void Serf::notify_changed(std::string_view name) {
  if (!destroying_) events_.on_member_changed(name);
}

void Serf::notify_conflict(const swim::NodeInfo& existing, const swim::NodeInfo& other) {
  engine_.notify_conflict(now_, existing, other);
}

wire::NilBytes Serf::ack_payload() { return engine_.ack_payload(); }

void Serf::notify_ping_complete(const swim::NodeInfo& node, Duration rtt, ByteView payload) {
  engine_.notify_ping_complete(now_, node, rtt, payload);
}

}  // namespace wkd::serf
