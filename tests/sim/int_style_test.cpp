// A cluster half on each msgpack int style, as during an upgrade from
// Debian's serf 0.9.4 to a current serf: even nodes write Go ints the
// go-msgpack 0.5 way (IntStyle::legacy: a non-negative int takes the
// unsigned forms cc/cd/ce/cf; memberlist <= 0.5.0, serf 0.9.4), odd nodes
// the go-msgpack v2 way (IntStyle::v2: 0..127 as a fixint, then the signed
// forms d1/d2/d3; memberlist >= 0.5.1, serf >= 0.10.2). docs/wire.md §2.1,
// §12.
//
// Everything a serf cluster does must work across the two: join and
// converge, a tag change and a user event from each side, a query from
// each side acknowledged by the other side, a crash detected and a graceful
// leave seen as left. The ints that differ on the wire are few (§2.1):
// memberlist's push/pull header (Nodes, UserStateLen) and serf's query
// Timeout among them. A tap on the simulated network reads those two in
// every push/pull and every query datagram of the run and checks that each
// sender really used its own style, so the test cannot pass with both
// halves writing the same bytes.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "sim/sim_bounds.hpp"
#include "sim/sim_report.hpp"
#include "support/sim_cluster.hpp"
#include "support/sim_seed.hpp"
#include "swim/memberlist.hpp"
#include "wire/errors.hpp"
#include "wire/msgpack.hpp"
#include "wire/packet.hpp"
#include "wire/serf_messages.hpp"
#include "wire/stream.hpp"

#ifdef WKD_SIM_HAVE_SERF
#include "support/serf_node.hpp"
#endif

namespace wkd::sim {
namespace {

#ifdef WKD_SIM_HAVE_SERF

using swim::NodeState;
using wire::msgpack::IntStyle;

constexpr std::size_t kNodes = 10;

bool is_v2(std::size_t i) { return i % 2 == 1; }

// The msgpack form of a non-negative int, from its format byte.
enum class IntForm : std::uint8_t { fixint, unsigned_form, signed_form };

IntForm int_form(std::uint8_t b) {
  if (b >= 0xcc && b <= 0xcf) return IntForm::unsigned_form;
  if (b >= 0xd0 && b <= 0xd3) return IntForm::signed_form;
  return IntForm::fixint;
}

// The form of the int under `key` in the msgpack map at the start of
// `body`; nullopt when there is no such int or the map does not parse.
std::optional<IntForm> form_of(ByteView body, std::string_view key, std::string* source = nullptr) {
  wire::msgpack::Reader r(body);
  auto h = r.read_struct_header("peek");
  if (!h.ok() || !h->is_map) return std::nullopt;
  std::optional<IntForm> form;
  for (std::uint32_t i = 0; i < h->count; ++i) {
    auto k = r.read_str("peek.key");
    if (!k.ok()) return std::nullopt;
    if (*k == key && !r.at_end()) {
      form = int_form(r.rest()[0]);
      if (!r.read_int("peek.int").ok()) return std::nullopt;
    } else if (source != nullptr && *k == "SourceNode") {
      auto v = r.read_str("peek.source");
      if (!v.ok()) return std::nullopt;
      *source = *v;
    } else if (!r.skip("peek.value").ok()) {
      return std::nullopt;
    }
  }
  return form;
}

// Counts, by the style of the node that encoded them, the int forms of
// push/pull UserStateLen and query Timeout seen on the network.
struct WireForms {
  using Table = std::array<std::array<std::uint64_t, 3>, 2>;  // [encoder is v2][IntForm]
  Table push_pull{};
  Table query_timeout{};
  std::uint64_t stream_chunks_unread = 0;  // not one whole message (not expected)

  static void add(Table& t, bool v2, IntForm f) { ++t[v2 ? 1 : 0][static_cast<std::size_t>(f)]; }
  static std::uint64_t at(const Table& t, bool v2, IntForm f) { return t[v2 ? 1 : 0][static_cast<std::size_t>(f)]; }
};

// The tap: every stream chunk is decoded on its own (the engines write a
// message in one piece, and the simulator delivers it so); every datagram
// is unframed (compound, compress) and its serf queries read.
SimNetwork::Tap wire_form_tap(SimCluster& c, WireForms& out) {
  return [&c, &out](TimePoint, NodeId from, NodeId, ByteView bytes, bool stream) {
    if (stream) {
      wire::StreamDecoder dec(wire::StreamRole::acceptor, wire::StreamDecodeOptions{});
      auto step = dec.feed(bytes);
      if (!step.ok() || step->status != wire::StreamStatus::message) {
        ++out.stream_chunks_unread;
        return;
      }
      if (step->message.type() != static_cast<std::uint8_t>(wire::MsgType::push_pull)) return;
      // The header: {Join, Nodes, UserStateLen}. Below 128 both styles
      // write a fixint, so only larger user states tell them apart.
      if (auto f = form_of(step->message.body(), "UserStateLen")) WireForms::add(out.push_pull, is_v2(from), *f);
      return;
    }
    wire::DecodeCounters ignored;
    auto pkt = wire::decode_packet(bytes, wire::PacketDecodeOptions{}, ignored);
    if (!pkt.ok()) return;
    for (const auto& m : pkt->messages) {
      if (m.type() != static_cast<std::uint8_t>(wire::MsgType::user) || m.body().empty()) continue;
      if (m.body()[0] != static_cast<std::uint8_t>(wire::SerfType::query)) continue;
      // Relays forward the querier's bytes: the style is the source's.
      std::string source;
      auto f = form_of(m.body().subspan(1), "Timeout", &source);
      const std::size_t src = c.index_of(source);
      if (f && src != SimCluster::kNone) WireForms::add(out.query_timeout, is_v2(src), *f);
    }
  };
}

serf::Serf& serf_of(SimCluster& c, std::size_t i) { return static_cast<SerfNode&>(c.member(i)).serf(); }

template <class F>
void on_node(SimCluster& c, std::size_t i, F&& fn) {
  auto& s = serf_of(c, i);
  ASSERT_TRUE(c.net().call(static_cast<NodeId>(i), [&](SimNode&, TimePoint now) { fn(s, now); }));
}

bool serf_status_everywhere(SimCluster& c, std::size_t subject, serf::MemberStatus status) {
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i == subject || !c.is_live(i)) continue;
    auto m = serf_of(c, i).find(SimCluster::name_of(subject));
    if (!m || m->status != status) return false;
  }
  return true;
}

class SimIntStyle : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(SimIntStyle, LegacyAndV2NodesInteroperateFully) {
  const std::uint64_t seed = GetParam();
  ClusterOptions o;
  o.engine = Engine::serf;
  o.configure = [](std::size_t i, swim::Config& cfg) { cfg.int_style = is_v2(i) ? IntStyle::v2 : IntStyle::legacy; };
  WireForms forms;  // outlives the cluster, whose tap points at it
  SimCluster c(kNodes, seed, o);
  c.net().set_tap(wire_form_tap(c, forms));
  const swim::Config& ml = c.memberlist(0).config();
  auto repair_limit = [&] { return anti_entropy_limit(ml, kNodes, c.elapsed()); };

  // Join and converge: n0 (legacy) is the seed, so every v2 joiner's
  // push/pull is answered in the other style.
  c.start_all();
  c.join_all_to(0);
  ASSERT_TRUE(c.wait_converged(join_converge_limit(ml, kNodes))) << c.describe();
  report_time("int_style.10.converged", seed, c.elapsed());
  for (std::size_t i = 0; i < kNodes; ++i) EXPECT_EQ(serf_of(c, i).members().size(), kNodes) << "n" << i;

  // A tag change from each side reaches everyone.
  on_node(c, 3, [](serf::Serf& s, TimePoint now) { ASSERT_TRUE(s.set_tags(now, {{"role", "db"}}).ok()); });
  on_node(c, 4, [](serf::Serf& s, TimePoint now) { ASSERT_TRUE(s.set_tags(now, {{"role", "web"}}).ok()); });
  auto has_role = [&](std::size_t i, const char* subject, const char* role) {
    auto m = serf_of(c, i).find(subject);
    return m && m->tags.count("role") != 0 && m->tags.at("role") == role;
  };
  TimePoint since = c.now();
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (std::size_t i = 0; i < kNodes; ++i) {
          if (!has_role(i, "n3", "db") || !has_role(i, "n4", "web")) return false;
        }
        return true;
      },
      repair_limit()))
      << c.describe();
  report_time("int_style.10.tags_everywhere", seed, c.now() - since);

  // A user event from each side, delivered once everywhere.
  on_node(c, 2, [](serf::Serf& s, TimePoint now) {
    ASSERT_TRUE(s.user_event(now, "from-legacy", as_bytes("l"), false).ok());
  });
  on_node(c, 5, [](serf::Serf& s, TimePoint now) {
    ASSERT_TRUE(s.user_event(now, "from-v2", as_bytes("v"), false).ok());
  });
  auto events = [&](std::size_t i, std::string_view name) {
    int n = 0;
    for (const auto& e : static_cast<SerfNode&>(c.member(i)).user_events) n += e.name == name ? 1 : 0;
    return n;
  };
  since = c.now();
  ASSERT_TRUE(c.wait_until(
      [&] {
        for (std::size_t i = 0; i < kNodes; ++i) {
          if (events(i, "from-legacy") == 0 || events(i, "from-v2") == 0) return false;
        }
        return true;
      },
      repair_limit()));
  report_time("int_style.10.events_everywhere", seed, c.now() - since);

  // A query from each side (its Timeout is one of the ints that differ),
  // acknowledged by nodes of the other side. Queries are gossip only (no
  // push/pull replay), so a node may miss one; most must answer.
  std::array<std::set<std::string>, 2> acks;  // [querier is v2]
  for (std::size_t q : {std::size_t{1}, std::size_t{2}}) {
    auto& who = acks[is_v2(q) ? 1 : 0];
    on_node(c, q, [&who](serf::Serf& s, TimePoint now) {
      serf::QueryParams p;
      p.request_ack = true;
      serf::QueryHandlers h;
      h.on_ack = [&who](const std::string& from) { who.insert(from); };
      ASSERT_TRUE(s.query(now, "whoami", as_bytes("?"), p, std::move(h)).ok());
    });
  }
  // Until the queries' deadline (serf's default timeout).
  const auto log_n = static_cast<int>(std::ceil(std::log10(static_cast<double>(kNodes) + 1.0)));
  c.run_for(ml.gossip_interval * serf_of(c, 1).config().query_timeout_mult * log_n);
  for (bool v2 : {false, true}) {
    std::size_t other_side = 0;
    for (const auto& name : acks[v2 ? 1 : 0]) other_side += is_v2(c.index_of(name)) != v2 ? 1 : 0;
    report_value(std::string("int_style.10.query_acks_from_other_side.") + (v2 ? "v2" : "legacy"), seed, other_side);
    EXPECT_GE(other_side, 4u) << (v2 ? "v2" : "legacy") << " querier";
  }

  // A crash (n6, legacy) is failed everywhere.
  const TimePoint killed_at = c.now();
  c.kill(6);
  ASSERT_TRUE(c.wait_until([&] { return c.state_everywhere(6, NodeState::dead) &&
                                        serf_status_everywhere(c, 6, serf::MemberStatus::failed); },
                           failure_detection_limit(ml, kNodes)))
      << c.describe();
  report_time("int_style.10.crash_failed_everywhere", seed, c.now() - killed_at);

  // A graceful leave (n7, v2) is left everywhere.
  const TimePoint left_at = c.now();
  c.leave(7);
  ASSERT_TRUE(c.wait_until([&] { return c.leave_finished(7); }, seconds(30)));
  ASSERT_TRUE(c.wait_until([&] { return serf_status_everywhere(c, 7, serf::MemberStatus::left); }, repair_limit()))
      << c.describe();
  report_time("int_style.10.leave_left_everywhere", seed, c.now() - left_at);
  EXPECT_EQ(c.false_failures({6, 7}), 0u) << c.describe_false_failures();

  // Anti-entropy across the styles: run until every node has made its first
  // periodic push/pull (the join ones carry too little user state for its
  // length to need more than a fixint). The event rings replayed by those
  // push/pulls deliver nothing twice.
  c.run_for(first_push_pull_bound(ml, kNodes));
  EXPECT_TRUE(c.converged()) << c.describe();
  for (std::size_t i = 0; i < kNodes; ++i) {
    if (!c.is_live(i)) continue;
    EXPECT_EQ(events(i, "from-legacy"), 1) << "n" << i;
    EXPECT_EQ(events(i, "from-v2"), 1) << "n" << i;
  }

  // Nothing either side sent was refused by the other.
  for (std::size_t i = 0; i < kNodes; ++i) {
    EXPECT_EQ(c.memberlist(i).stats().drops.total(), 0u) << "n" << i;
    EXPECT_EQ(serf_of(c, i).stats().messages_dropped, 0u) << "n" << i;
  }
  EXPECT_EQ(c.log_count(LogLevel::error), 0u);

  // And the two styles really were on the wire: every push/pull header and
  // query from a v2 node used the signed forms, from a legacy node the
  // unsigned ones, and both were seen.
  using F = IntForm;
  const auto& pp = forms.push_pull;
  const auto& qt = forms.query_timeout;
  report_value("int_style.10.push_pull_v2_signed", seed, WireForms::at(pp, true, F::signed_form));
  report_value("int_style.10.push_pull_legacy_unsigned", seed, WireForms::at(pp, false, F::unsigned_form));
  report_value("int_style.10.query_copies_v2_signed", seed, WireForms::at(qt, true, F::signed_form));
  report_value("int_style.10.query_copies_legacy_unsigned", seed, WireForms::at(qt, false, F::unsigned_form));
  for (const auto* t : {&pp, &qt}) {
    const char* what = t == &pp ? "push/pull UserStateLen" : "query Timeout";
    EXPECT_GT(WireForms::at(*t, true, F::signed_form), 0u) << what;
    EXPECT_EQ(WireForms::at(*t, true, F::unsigned_form), 0u) << what;
    EXPECT_GT(WireForms::at(*t, false, F::unsigned_form), 0u) << what;
    EXPECT_EQ(WireForms::at(*t, false, F::signed_form), 0u) << what;
  }
  EXPECT_EQ(forms.stream_chunks_unread, 0u);
  c.net().set_tap(nullptr);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SimIntStyle, ::testing::ValuesIn(sim_seeds(3)));

#endif

}  // namespace
}  // namespace wkd::sim
