#include "runtime/publisher.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "transport/clock.hpp"

namespace wkd::runtime {

namespace {

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// How often last_seen is brought up to date in the published View when
// nothing else changed. Every settled entry (a node with peers has several
// a second: its probe timer, pings and acks) publishes the counters and,
// when a member table changed, a new View; otherwise, once this period has
// passed, it moves last_seen in place (refresh_last_seen: no allocation, no
// new View). A node never wakes for this on its own.
constexpr std::int64_t kViewRefreshMs = 5000;
// The shortest interval between two published Views.
constexpr std::int64_t kMinPublishMs = 50;

EventType event_type_of(MemberChange c) {
  switch (c) {
    case MemberChange::joined:
      return EventType::member_joined;
    case MemberChange::updated:
      return EventType::member_updated;
    case MemberChange::suspect:
      return EventType::member_suspect;
    case MemberChange::failed:
      return EventType::member_failed;
    case MemberChange::left:
      return EventType::member_left;
    case MemberChange::reaped:
      break;
  }
  return EventType::member_reaped;
}

}  // namespace

// ---- any thread ----

std::shared_ptr<const View> Publisher::view() const {
  std::lock_guard<std::mutex> lock(mu_);
  return view_;
}

NodeStats Publisher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Publisher::Added Publisher::try_add(const std::shared_ptr<Watch>& w) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) {
    w->cancel();
    return Added::closed;
  }
  if (view_) return Added::on_loop;
  watches_.push_back(w);
  return Added::now;
}

void Publisher::remove(const std::shared_ptr<Watch>& w) {
  w->cancel();
  std::lock_guard<std::mutex> lock(mu_);
  std::erase(watches_, w);
}

void Publisher::close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  for (auto& w : watches_) w->cancel();
}

std::vector<std::shared_ptr<Watch>> Publisher::watches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watches_;
}

// ---- loop thread ----

void Publisher::open(uv_loop_s* loop, const core::Core& core, const transport::Driver& driver,
                     std::int64_t unix_now_ms) {
  core_ = &core;
  driver_ = &driver;
  version_ = static_cast<std::uint64_t>(std::max<std::int64_t>(unix_now_ms, 0));
  timer_ = std::make_unique<transport::Timer>(loop, [this] { settle(true); });
}

void Publisher::shutdown() {
  if (timer_) timer_->close();
  timer_.reset();
  core_ = nullptr;
  driver_ = nullptr;
}

void Publisher::add_on_loop(const std::shared_ptr<Watch>& w) {
  std::shared_ptr<const View> v;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // close() may have cancelled the watches before this ran: the watch it
    // did not see is cancelled here, so no consumer waits forever.
    if (closed_) {
      w->cancel();
      return;
    }
    watches_.push_back(w);
    v = view_;
  }
  if (!(w->flags() & 1u) || !v || w->kind() == WatchKind::user_events) return;
  if (w->kind() == WatchKind::service || w->kind() == WatchKind::service_healthy) {
    // The snapshot: every live instance the watch wants, as registered.
    for (const auto& [key, rec] : v->services->instances) {
      if (rec->status == registry::InstanceStatus::deregistered || !w->wants_instance(*rec, nullptr)) continue;
      auto ev = std::make_shared<Event>();
      ev->type = EventType::instance_registered;
      ev->version = v->version;
      ev->instance = rec;
      w->deliver(ev);
    }
    return;
  }
  for (const ViewEntry& e : v->members) {
    if (!w->wants_member(*e.member, false)) continue;
    auto ev = std::make_shared<Event>();
    ev->type = EventType::member_joined;
    ev->version = v->version;
    ev->member = e.member;
    ev->last_seen_unix_ms = e.last_seen_unix_ms();
    w->deliver(ev);
  }
}

void Publisher::member_changed(std::string_view name) {
  std::string key(name);
  if (touched_set_.insert(key).second) touched_.push_back(std::move(key));
}

void Publisher::settle(bool force) {
  if (core_ == nullptr) return;
  const std::int64_t now_ms = unix_now_ms();
  if (!pending()) {
    check_view(nullptr, *view_, {});
    // Nothing but last_seen moved: bring it up to date in place when due.
    if (now_ms - last_seen_ms_ >= kViewRefreshMs) {
      refresh_last_seen(core_->serf(), *view_, transport::mono_now(), now_ms);
      last_seen_ms_ = now_ms;
    }
    publish_stats();  // counters: cheap, kept current after every entry
    return;
  }
  // Coalesce: at most one View per kMinPublishMs. A change inside the
  // window is published when it ends, so a burst of gossip costs one View,
  // not one per packet.
  if (!force && now_ms - last_publish_ms_ < kMinPublishMs) {
    publish_stats();
    if (!timer_->armed()) timer_->start(milliseconds(kMinPublishMs - (now_ms - last_publish_ms_)));
    return;
  }
  timer_->stop();
  publish_view(now_ms);
  publish_stats();
}

void Publisher::publish_view(std::int64_t now_ms) {
  last_publish_ms_ = now_ms;
  last_seen_ms_ = now_ms;
  // Only grows: one more than the last, or the clock when it is ahead.
  version_ = std::max(version_ + 1, static_cast<std::uint64_t>(std::max<std::int64_t>(now_ms, 0)));
  const serf::Serf& serf = core_->serf();
  const TimePoint mono = transport::mono_now();
  std::shared_ptr<const View> before = view_;
  std::shared_ptr<View> after;
  std::vector<Change> changes;
  if (!before) {
    after = build_view(serf, mono, now_ms, version_, nullptr);
    changes = diff_views(nullptr, *after);
  } else {
    ViewUpdate u = update_view(serf, *before, touched_, mono, now_ms, version_);
    after = std::move(u.view);
    changes = std::move(u.changes);
    refresh_last_seen(serf, *after, mono, now_ms);
  }
  touched_.clear();
  touched_set_.clear();
  check_view(before.get(), *after, changes);
  std::vector<InstanceEvent> instance_events;
  after->services = next_services(before.get(), instance_events);
  {
    std::lock_guard<std::mutex> lock(mu_);
    view_ = after;
  }
  if (!changes.empty()) dispatch(changes, after->version);
  if (!instance_events.empty()) dispatch_instances(instance_events, after->version);
}

void Publisher::registry_changed(registry::Changes changes) {
  registry_changes_.overflowed = registry_changes_.overflowed || changes.overflowed;
  for (auto& c : changes.changes) registry_changes_.changes.push_back(std::move(c));
}

// The registry's snapshot for the View being published: the previous one
// when nothing changed, else the previous one with the changes applied.
std::shared_ptr<const ServicesView> Publisher::next_services(const View* before, std::vector<InstanceEvent>& events) {
  static const auto kEmpty = std::make_shared<const ServicesView>();
  const ServicesView* prev = before != nullptr ? before->services.get() : nullptr;
  const registry::Replica* replica = core_->registry();
  if (replica == nullptr || (registry_changes_.changes.empty() && !registry_changes_.overflowed)) {
    return before != nullptr && before->services ? before->services : kEmpty;
  }
  ServicesUpdate u = update_services(prev, registry_changes_, replica->store());
  registry_changes_ = {};
  events = std::move(u.events);
  return u.view;
}

void Publisher::dispatch_instances(const std::vector<InstanceEvent>& events, std::uint64_t version) {
  const auto targets = watches();
  if (targets.empty()) return;
  for (const InstanceEvent& e : events) {
    auto ev = std::make_shared<Event>();
    switch (e.type) {
      case InstanceChange::registered: ev->type = EventType::instance_registered; break;
      case InstanceChange::updated: ev->type = EventType::instance_updated; break;
      case InstanceChange::status: ev->type = EventType::instance_status; break;
      case InstanceChange::deregistered: ev->type = EventType::instance_deregistered; break;
      case InstanceChange::removed: ev->type = EventType::instance_removed; break;
      case InstanceChange::moved: ev->type = EventType::instance_moved; break;
    }
    ev->version = version;
    ev->instance = e.record;
    ev->previous_instance = e.previous;
    EventPtr shared = std::move(ev);
    for (const auto& w : targets) {
      if (!w->cancelled() && w->wants_instance(*e.record, e.previous.get())) w->deliver(shared);
    }
  }
}

void Publisher::check_view(const View* before, const View& after, const std::vector<Change>& changes) const {
#if defined(NDEBUG) && !defined(WKD_CHECK_VIEWS)
  (void)before;
  (void)after;
  (void)changes;
#else
  // The View built from the reported changes must be the View the whole
  // table gives, with the same changes; with nothing reported since the
  // last View (changes empty, before null), that View must still be the
  // table's. A change site that failed to report leaves a stale member.
  auto full = build_view(core_->serf(), transport::mono_now(), 0, after.version, before);
  std::string diff = compare_views(after, *full);
  if (before == nullptr && changes.empty()) {
    if (!diff.empty()) {
      std::fprintf(stderr, "wkd publisher: a change was not reported: %s\n", diff.c_str());
      std::abort();
    }
    return;
  }
  auto key = [](const Change& c) { return std::make_pair(c.entry->member->name, static_cast<int>(c.type)); };
  std::vector<std::pair<std::string, int>> got, want;
  for (const Change& c : changes) got.push_back(key(c));
  for (const Change& c : diff_views(before, *full)) want.push_back(key(c));
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  if (diff.empty() && got != want) diff = "the changes differ from the whole table's";
  if (!diff.empty()) {
    std::fprintf(stderr, "wkd publisher: the View from reported changes is not the table's: %s\n", diff.c_str());
    std::abort();
  }
#endif
}

void Publisher::dispatch(const std::vector<Change>& changes, std::uint64_t version) {
  const auto targets = watches();
  if (targets.empty()) return;
  for (const Change& c : changes) {
    auto ev = std::make_shared<Event>();
    ev->type = event_type_of(c.type);
    ev->version = version;
    ev->member = c.entry->member;
    ev->last_seen_unix_ms = c.entry->last_seen_unix_ms();
    const ViewEntry* old = c.previous;
    const MemberView& m = *ev->member;
    EventPtr shared = std::move(ev);
    for (const auto& w : targets) {
      if (w->cancelled()) continue;
      const bool was_in = old != nullptr && w->kind() == WatchKind::group && old->member->in_group(w->name());
      if (w->wants_member(m, was_in)) w->deliver(shared);
    }
  }
}

void Publisher::user_event(const serf::UserEvent& e) {
  if (core_ == nullptr) return;
  const auto targets = watches();
  if (targets.empty()) return;
  // Whatever changed in the member tables before this event reaches the
  // watches first.
  if (pending()) {
    timer_->stop();
    publish_view(unix_now_ms());
  }
  auto ev = std::make_shared<Event>();
  ev->type = EventType::user;
  ev->version = view_ ? view_->version : version_;
  ev->name = e.name;
  ev->payload = e.payload;
  ev->ltime = e.ltime;
  ev->coalesce = e.coalesce;
  EventPtr shared = std::move(ev);
  for (const auto& w : targets) {
    if (!w->cancelled() && w->wants_user(e.name)) w->deliver(shared);
  }
}

void Publisher::publish_stats() {
  const serf::Serf& serf = core_->serf();
  const swim::Stats& ms = serf.memberlist().stats();
  const transport::IoCounters io = driver_->counters();
  NodeStats s;
  s.packets_in = io.packets_in;
  s.packets_out = io.packets_out;
  s.bytes_in = io.bytes_in;
  s.bytes_out = io.bytes_out;
  s.streams_in = io.streams_in;
  s.streams_out = io.streams_out;
  using wire::Err;
  const auto& d = ms.drops;
  s.drops_malformed = d[Err::truncated] + d[Err::bad_length] + d[Err::bad_msgpack] + d[Err::bad_field] +
                      d[Err::missing_field] + d[Err::empty_part] + d[Err::short_vsn] + d[Err::bad_vsn] +
                      d[Err::lzw_corrupt] + d[Err::bad_compression] + d[Err::nested_too_deep] + d[Err::bad_tags];
  s.drops_decrypt = d[Err::decrypt_failed] + d[Err::bad_encryption_version] + d[Err::plaintext_rejected] +
                    d[Err::unexpected_encryption] + d[Err::bad_padding];
  s.drops_checksum = d[Err::bad_crc];
  s.drops_label = d[Err::bad_label] + d[Err::label_mismatch];
  s.drops_unknown_type = d[Err::unknown_type];
  s.drops_oversized = d[Err::oversized] + d[Err::decompress_limit];
  s.drops_socket = io.socket_drops;
  s.drops_total = d.total() + s.drops_socket;
  s.probes = ms.probes;
  s.probe_failures = ms.probe_failures;
  s.indirect_probes = ms.indirect_probes;
  s.suspicions = ms.suspicions;
  s.refutations = ms.refutations;
  s.push_pulls = ms.push_pulls;
  s.gossip_messages = ms.gossip_messages;
  s.health_score = static_cast<std::uint32_t>(serf.memberlist().health_score());
  s.incarnation = serf.memberlist().local_node().incarnation;
  if (view_) {
    s.members_alive = view_->alive + view_->leaving;
    s.members_leaving = view_->leaving;
    s.members_suspect = view_->suspect;
    s.members_failed = view_->failed;
    s.members_left = view_->left;
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_ = s;
}

}  // namespace wkd::runtime
