// Internal state of Memberlist, shared by its implementation files:
//   memberlist.cpp  lifecycle, public accessors, timers, dispatch
//   state.cpp       alive / suspect / dead rules, refutation, merge
//   probe.cpp       probing, indirect probes, acks and nacks
//   net.cpp         datagrams, piggybacking, gossip, streams, push/pull
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/timer_queue.hpp"
#include "swim/broadcast_queue.hpp"
#include "swim/memberlist.hpp"
#include "swim/name_index.hpp"
#include "swim/suspicion.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/packet.hpp"
#include "wire/stream.hpp"

namespace wkd::swim {

struct Memberlist::Impl {
  Impl(Config c, Delegate& d, Runtime& r, Rng& g, LogSink& l, wire::Keyring k);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // ---- configuration and collaborators ----
  Config cfg;
  Delegate& delegate;
  Runtime& rt;
  Rng& rng;
  LogSink& log_sink;
  wire::Keyring keyring;
  TimerQueue timers;
  TimePoint now{};

  // ---- member table ----
  std::vector<std::unique_ptr<NodeInfo>> nodes;  // probe order
  NameIndex by_name;
  NodeInfo* self = nullptr;

  struct SuspicionTimer {
    Suspicion suspicion;
    TimerQueue::Id timer = 0;
  };
  std::unordered_map<std::string, SuspicionTimer> suspicions;

  // ---- protocol state ----
  bool started = false;
  bool leaving_flag = false;
  std::uint32_t seq_no = 0;
  std::uint32_t incarnation = 0;
  std::size_t probe_index = 0;
  bool probe_running = false;
  bool probe_tick_pending = false;
  Awareness awareness;
  // Every change of the member table goes through here: the delegate is
  // told which member it was, after the change, in order.
  void changed(const std::string& name) { delegate.notify_changed(name); }
  BroadcastQueue broadcasts;
  TimePoint gossip_phase{};   // the first tick; later ticks fall on phase + k * gossip_interval
  bool gossip_enabled = false;
  bool gossip_armed = false;
  Stats stats;

  // Ack handlers by sequence number (memberlist ackHandlers).
  struct AckHandler {
    std::function<void(ByteView payload, TimePoint at)> on_ack;
    std::function<void()> on_nack;
    TimerQueue::Id expiry = 0;
  };
  // A few at a time (the probe in progress and the indirect pings this node
  // relays): a vector searched in place, which allocates nothing once warm.
  std::vector<std::pair<std::uint32_t, AckHandler>> ack_handlers;
  AckHandler* find_ack_handler(std::uint32_t seq);
  void erase_ack_handler(std::uint32_t seq);

  // The probe in progress.
  struct Probe {
    std::string target;
    Address addr;
    std::uint32_t seq = 0;
    TimePoint sent{};
    TimePoint deadline{};
    bool acked = false;
    bool tcp_ok = false;
    int expected_nacks = 0;
    int nacks = 0;
    TimerQueue::Id timeout_timer = 0;
    TimerQueue::Id deadline_timer = 0;
  };
  std::optional<Probe> probe;

  // Connections this node dialled or accepted.
  enum class ConnKind : std::uint8_t { push_pull, tcp_ping, request, inbound };
  struct Conn {
    ConnKind kind;
    Address peer;
    wire::StreamEncoder encoder;
    TimerQueue::Id deadline = 0;
    bool join = false;
    std::uint64_t join_id = 0;   // push/pull for a join
    std::uint32_t seq = 0;       // tcp ping
    Memberlist::ReplyDone reply;  // request
    bool done = false;
  };
  std::unordered_map<ConnId, Conn> conns;
  ConnId next_conn = 1;

  // Joins in progress.
  struct JoinOp {
    int pending = 0;
    int joined = 0;
    std::string errors;
    JoinDone done;
    std::vector<Address> answered;  // seeds whose push/pull succeeded
  };
  std::map<std::uint64_t, JoinOp> joins;
  std::uint64_t next_join = 1;

  // Leave in progress.
  LeaveDone leave_done;
  TimerQueue::Id leave_timer = 0;
  TimerQueue::Id push_pull_timer = 0;  // the next periodic push/pull

  // ---- memberlist.cpp ----
  void log(LogLevel level, const std::string& line);
  bool logs(LogLevel level) const { return level >= log_sink.min_level(); }
  NodeInfo* find_node(std::string_view name);
  // Adds a member not yet known (state dead until the caller sets it) at a
  // random place in the probe order.
  NodeInfo* insert_node(const std::string& name, const Address& addr, const wire::NilBytes& meta,
                        const std::optional<wire::Vsn>& vsn);
  std::size_t est_num_nodes() const { return nodes.size(); }
  std::uint32_t next_seq() { return ++seq_no; }
  std::uint32_t next_incarnation() { return ++incarnation; }
  std::uint32_t skip_incarnation(std::uint32_t offset) { return incarnation += offset; }
  // k random nodes not excluded by `exclude`, memberlist's kRandomNodes.
  std::vector<NodeInfo*> k_random_nodes(int k, const std::function<bool(const NodeInfo&)>& exclude);
  void schedule_periodic();
  // (Re)starts the periodic push/pull: a random stagger, then the interval
  // scaled to the current size.
  void schedule_push_pull();
  void arm_push_pull(TimePoint at);
  void finish_leave(bool sent);
  std::size_t num_alive_others() const noexcept;  // alive or suspect, self excluded

  // ---- state.cpp ----
  void alive_node(const wire::Alive& a, bool bootstrap, BroadcastQueue::Done notify = {});
  void suspect_node(const wire::Suspect& s);
  void dead_node(const wire::Dead& d, BroadcastQueue::Done notify = {});
  void refute(NodeInfo& me, std::uint32_t accused_inc);
  void start_suspicion(NodeInfo& node, const std::string& from);
  void on_suspicion_timeout(const std::string& name, TimePoint change_time);
  void verify_suspect(NodeInfo& node, TimePoint change_time);
  void declare_dead(NodeInfo& node, int confirmations);
  std::string verify_protocol(const std::vector<wire::PushNodeState>& remote) const;
  void merge_state(const std::vector<wire::PushNodeState>& remote);
  void adopt_members(const std::vector<wire::PushNodeState>& members);
  void encode_and_broadcast(const std::string& key, Result<Bytes, wire::Err> msg, BroadcastQueue::Done notify = {});
  wire::Alive self_alive() const;

  // ---- probe.cpp ----
  void on_probe_tick();
  void arm_probe(TimePoint at);  // the probe ticker: fires every probe_interval from `at`
  void probe_next();
  void probe_node(NodeInfo& node);
  void probe_timeout_elapsed();
  // Asks k random alive members to ping `target` for us; returns the nacks
  // to expect (helpers of protocol >= 4, when requested).
  int send_indirect_pings(const std::string& target, const Address& addr, std::uint32_t seq, bool request_nacks);
  void probe_deadline_reached();
  void probe_finished(bool success, bool suspect_target);
  void set_ack_handler(std::uint32_t seq, Duration timeout, std::function<void(ByteView, TimePoint)> on_ack,
                       std::function<void()> on_nack);
  void handle_ping(const Address& from, const wire::Ping& p);
  void handle_indirect_ping(const Address& from, wire::IndirectPing ind);
  void handle_ack(const Address& from, const wire::Ack& a);
  void handle_nack(const wire::Nack& n);
  wire::Ping make_ping(std::uint32_t seq, const std::string& target) const;

  // ---- net.cpp ----
  wire::PacketEncodeOptions packet_options(bool crc) const;
  bool encrypt_outgoing() const { return !keyring.empty() && cfg.gossip_verify_outgoing; }
  wire::PacketBudget budget() const;
  void send_msg(const Address& to, const NodeInfo* target, Bytes msg);
  void send_raw(const Address& to, const NodeInfo* target, const std::vector<SharedBytes>& msgs);
  void collect_broadcasts(const NodeInfo* target, std::size_t limit, std::vector<SharedBytes>& out);
  void gossip();
  // The gossip ticker. It stops while there is nothing to gossip (an idle
  // node then wakes only to probe) and restarts, on its original phase,
  // when something is queued.
  void arm_gossip(TimePoint at);
  void on_gossip_tick(TimePoint t);
  void wake_gossip();
  bool gossip_pending() const { return !broadcasts.empty() || delegate.has_broadcasts(); }
  void handle_packet(const Address& from, ByteView datagram);
  void handle_message(const Address& from, wire::InnerMessage m);
  ConnId dial(ConnKind kind, const Address& to, Duration timeout);
  void conn_write(ConnId id, ByteView message);
  void conn_close(ConnId id);
  void conn_failed(ConnId id, const std::string& reason);
  void push_pull_node(const Address& to, bool join, std::uint64_t join_id);
  void periodic_push_pull();
  Bytes local_state_message(bool join, const NodeInfo* peer);
  const NodeInfo* stream_peer(const Address& from, const std::vector<wire::PushNodeState>& nodes);
  NodeInfo stream_peer_tmp;  // describes a push/pull sender not yet in the table
  void handle_stream(ConnId id, const Address& from, ByteView message);
  void send_tcp_ping(const Address& to, std::uint32_t seq, const std::string& target, TimePoint deadline);
  void join_result(std::uint64_t join_id, bool ok, const std::string& error, const Address& peer);
  // The follow-up push/pull of a completed join (Config::join_sync_delay).
  void schedule_join_sync(std::vector<Address> answered);
};

}  // namespace wkd::swim
