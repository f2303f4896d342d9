// Queries: acks and responses go straight to the querier, filters, relays,
// the internal queries (ping, conflict, and key management, which is never
// acted on), the querier's bookkeeping and name-conflict resolution.
#include <gtest/gtest.h>

#include "serf/query.hpp"
#include "serf_fixture.hpp"

namespace wkd::serf {
namespace {

using namespace testing;

const Address kQuerier = Address::v4(127, 0, 0, 3, 7000);

wire::SerfQuery make_query(std::string name, Bytes payload = {}, std::uint32_t flags = 0) {
  wire::SerfQuery q;
  q.ltime = 5;
  q.id = 1234;
  q.addr = Bytes{127, 0, 0, 3};
  q.port = 7000;
  q.source_node = "c";
  q.flags = flags;
  q.timeout_ns = Duration(seconds(5)).count();
  q.name = std::move(name);
  if (!payload.empty()) q.payload = std::move(payload);
  return q;
}

wire::SerfQueryResponse decode_response(const Bytes& raw) {
  auto m = wire::decode_serf_message(raw);
  EXPECT_TRUE(m.ok()) << m.message();
  const auto* r = m.ok() ? std::get_if<wire::SerfQueryResponse>(&*m) : nullptr;
  EXPECT_NE(r, nullptr);
  return r ? *r : wire::SerfQueryResponse{};
}

class SerfQuery : public EngineFixture {
 protected:
  void receive(const wire::SerfQuery& q, Duration when = seconds(1)) { engine->notify_msg(at(when), encode(q)); }
};

TEST_F(SerfQuery, PingNeedsNoAnswerButIsGossipedOn) {
  receive(make_query("_serf_ping"));
  EXPECT_TRUE(host.packets.empty());
  EXPECT_TRUE(sink.queries.empty());  // internal: not the user's
  EXPECT_EQ(drain().size(), 1u);
  EXPECT_EQ(engine->query_clock().time(), 6u);  // witnessed
}

TEST_F(SerfQuery, AckFlagSendsAnAckStraightToTheQuerier) {
  receive(make_query("_serf_ping", {}, wire::kQueryFlagAck));
  ASSERT_EQ(host.packets.size(), 1u);
  EXPECT_EQ(host.packets[0].to, kQuerier);
  auto ack = decode_response(host.packets[0].msg);
  EXPECT_EQ(ack.flags, wire::kQueryFlagAck);
  EXPECT_EQ(ack.from, "a");
  EXPECT_EQ(ack.ltime, 5u);
  EXPECT_EQ(ack.id, 1234u);
  EXPECT_FALSE(ack.payload.has_value());
}

TEST_F(SerfQuery, NoBroadcastFlagStopsTheGossip) {
  receive(make_query("_serf_ping", {}, wire::kQueryFlagNoBroadcast));
  EXPECT_TRUE(drain().empty());
}

TEST_F(SerfQuery, DuplicatesAreHandledOnce) {
  receive(make_query("_serf_ping", {}, wire::kQueryFlagAck));
  receive(make_query("_serf_ping", {}, wire::kQueryFlagAck));
  EXPECT_EQ(host.packets.size(), 1u);
  EXPECT_EQ(drain().size(), 1u);
}

TEST_F(SerfQuery, ConflictQueryIsAnsweredWithOurViewOfTheMember) {
  engine->notify_join(at(seconds(0)), node("b", 2, {{"role", "web"}}));
  receive(make_query("_serf_conflict", to_bytes("b")));
  ASSERT_EQ(host.packets.size(), 1u);
  EXPECT_EQ(host.packets[0].to, kQuerier);
  auto resp = decode_response(host.packets[0].msg);
  EXPECT_EQ(resp.flags, 0u);
  ASSERT_TRUE(resp.payload.has_value());
  ASSERT_GE(resp.payload->size(), 2u);
  EXPECT_EQ((*resp.payload)[0], 0x06);
  auto cr = wire::decode_serf_conflict_response(ByteView(*resp.payload).subspan(1));
  ASSERT_TRUE(cr.ok()) << cr.message();
  ASSERT_TRUE(cr->member.has_value());
  EXPECT_EQ(cr->member->name, "b");
  EXPECT_EQ(cr->member->addr, (Bytes{127, 0, 0, 2}));
  EXPECT_EQ(cr->member->port, 7946);
  EXPECT_EQ(cr->member->status, wire::SerfMemberStatus::alive);
  EXPECT_EQ(cr->member->tags.at("role"), "web");
  EXPECT_EQ(cr->member->protocol_max, 5);
  EXPECT_EQ(cr->member->delegate_cur, 5);
}

TEST_F(SerfQuery, ConflictQueryAboutAnUnknownNodeAnswersNil) {
  receive(make_query("_serf_conflict", to_bytes("nobody")));
  ASSERT_EQ(host.packets.size(), 1u);
  auto resp = decode_response(host.packets[0].msg);
  EXPECT_EQ(*resp.payload, (Bytes{0x06, 0xc0}));
}

TEST_F(SerfQuery, ConflictQueryAboutOurselvesIsNotAnswered) {
  receive(make_query("_serf_conflict", to_bytes("a")));
  EXPECT_TRUE(host.packets.empty());
}

TEST_F(SerfQuery, KeyQueriesAreNeverActedOn) {
  ASSERT_TRUE(engine->set_tags(at(seconds(0)), {{"role", "web"}}).ok());
  const Bytes key_request = *wire::encode_serf_message(wire::SerfKeyRequest{Bytes(16, 0x42)});
  std::uint32_t id = 100;
  for (const char* name : {"_serf_install-key", "_serf_use-key", "_serf_remove-key", "_serf_list-keys"}) {
    host.packets.clear();
    auto q = make_query(name, key_request);
    q.id = ++id;
    receive(q);
    // One answer, and it says no.
    ASSERT_EQ(host.packets.size(), 1u) << name;
    auto resp = decode_response(host.packets[0].msg);
    ASSERT_TRUE(resp.payload.has_value());
    ASSERT_EQ((*resp.payload)[0], 0x08) << name;
    auto kr = wire::decode_serf_key_response(ByteView(*resp.payload).subspan(1));
    ASSERT_TRUE(kr.ok()) << kr.message();
    EXPECT_FALSE(kr->result) << name;
    EXPECT_EQ(kr->message, kKeyManagementDisabled);
    EXPECT_TRUE(kr->keys.empty()) << name;          // list-keys reveals nothing
    EXPECT_TRUE(kr->primary_key.empty()) << name;
    EXPECT_TRUE(log.contains(std::string("ignoring ") + name));
  }
  EXPECT_EQ(engine->stats().key_queries_refused, 4u);
  EXPECT_TRUE(sink.queries.empty());
  EXPECT_EQ(host.meta_updates, 1);  // only our own set_tags
  EXPECT_TRUE(host.joins.empty() && host.leaves.empty() && host.removed.empty());
}

TEST_F(SerfQuery, NodeFilterMustNameUs) {
  auto q = make_query("_serf_ping", {}, wire::kQueryFlagAck);
  q.filters = {wire::NodeFilter{{"b", "c"}}};
  receive(q);
  EXPECT_TRUE(host.packets.empty());
  EXPECT_EQ(drain().size(), 1u);  // still gossiped on
  q.id = 2;
  q.filters = {wire::NodeFilter{{"b", "a"}}};
  receive(q);
  EXPECT_EQ(host.packets.size(), 1u);
}

TEST_F(SerfQuery, TagFilterIsAnUnanchoredRegex) {
  ASSERT_TRUE(engine->set_tags(at(seconds(0)), {{"role", "webserver"}}).ok());
  auto q = make_query("_serf_ping", {}, wire::kQueryFlagAck);
  const std::pair<const char*, bool> cases[] = {
      {"server", true}, {"^web", true}, {"^db", false}, {"(", false}, {"", true}};
  std::uint32_t id = 10;
  for (const auto& [expr, match] : cases) {
    host.packets.clear();
    q.id = ++id;
    q.filters = {wire::TagFilter{"role", expr}};
    receive(q);
    EXPECT_EQ(host.packets.size(), match ? 1u : 0u) << expr;
  }
  EXPECT_TRUE(log.contains("failed to compile filter regex"));
  // A tag we don't have reads as "".
  host.packets.clear();
  q.id = ++id;
  q.filters = {wire::TagFilter{"dc", "."}};
  receive(q);
  EXPECT_TRUE(host.packets.empty());
}

TEST_F(SerfQuery, UnknownFilterTypeMeansNotForUs) {
  auto q = make_query("_serf_ping", {}, wire::kQueryFlagAck);
  q.filters = {wire::UnknownFilter{7, Bytes{0x80}}};
  receive(q);
  EXPECT_TRUE(host.packets.empty());
}

TEST_F(SerfQuery, UserQueryIsDeliveredAndAnsweredOnce) {
  receive(make_query("uptime", to_bytes("q1")), seconds(1));
  ASSERT_EQ(sink.queries.size(), 1u);
  const QueryEvent q = sink.queries[0];
  EXPECT_EQ(q.name, "uptime");
  EXPECT_EQ(to_string(q.payload), "q1");
  EXPECT_EQ(q.respond_to, kQuerier);
  EXPECT_EQ(q.deadline, at(seconds(6)));
  ASSERT_TRUE(engine->respond(at(seconds(2)), q, as_bytes("up 3 days")).ok());
  ASSERT_EQ(host.packets.size(), 1u);
  auto resp = decode_response(host.packets[0].msg);
  EXPECT_EQ(to_string(*resp.payload), "up 3 days");
  EXPECT_EQ(engine->respond(at(seconds(2)), q, as_bytes("again")).code(), Err::state);
  EXPECT_EQ(host.packets.size(), 1u);
}

TEST_F(SerfQuery, ResponsesAfterTheDeadlineOrTooLargeAreRefused) {
  receive(make_query("uptime"), seconds(1));
  const QueryEvent q = sink.queries.at(0);
  EXPECT_EQ(engine->respond(at(seconds(2)), q, Bytes(1100, 'x')).code(), Err::too_large);
  EXPECT_EQ(engine->respond(at(seconds(7)), q, as_bytes("late")).code(), Err::state);
  EXPECT_TRUE(host.packets.empty());
}

TEST_F(SerfQuery, RelayForwardsTheInnerMessage) {
  const Bytes inner = encode(wire::SerfQueryResponse{5, 9, "b", 0, to_bytes("hi")});
  wire::SerfRelay relay;
  relay.header.dest_ip = Bytes{127, 0, 0, 9};
  relay.header.dest_port = 7001;
  relay.header.dest_name = "z";
  relay.inner = inner;
  engine->notify_msg(at(seconds(1)), encode(relay));
  ASSERT_EQ(host.packets.size(), 1u);
  EXPECT_EQ(host.packets[0].to, Address::v4(127, 0, 0, 9, 7001));
  EXPECT_EQ(host.packets[0].msg, inner);
  EXPECT_TRUE(drain().empty());  // relays are not gossip
}

TEST_F(SerfQuery, RelayFactorSendsCopiesThroughProtocolFiveMembers) {
  engine->notify_join(at(seconds(0)), node("b", 2));
  auto old = node("o", 4);
  old.vsn.pmax = 4;  // cannot relay
  engine->notify_join(at(seconds(0)), old);
  auto q = make_query("_serf_ping", {}, wire::kQueryFlagAck);
  q.relay_factor = 2;
  receive(q);
  ASSERT_EQ(host.packets.size(), 2u);  // direct ack + one relay (only b qualifies)
  EXPECT_EQ(host.packets[0].to, kQuerier);
  EXPECT_EQ(host.packets[1].to, addr_of(2));
  auto relay = wire::decode_serf_message(host.packets[1].msg);
  ASSERT_TRUE(relay.ok());
  const auto& r = std::get<wire::SerfRelay>(*relay);
  EXPECT_EQ(r.header.dest_port, 7000);
  EXPECT_EQ(r.header.dest_name, "c");
  EXPECT_EQ(r.inner, host.packets[0].msg);
}

// ---------------------------------------------------------------- the querier's side

TEST_F(SerfQuery, OutgoingQueryCollectsAcksAndResponsesUntilTheDeadline) {
  std::vector<std::string> acks, responses;
  bool done = false;
  QueryParams p;
  p.request_ack = true;
  p.timeout = seconds(3);
  QueryHandlers h;
  h.on_ack = [&](const std::string& from) { acks.push_back(from); };
  h.on_response = [&](const std::string& from, ByteView) { responses.push_back(from); };
  h.on_done = [&] { done = true; };
  auto id = engine->query(at(seconds(1)), "uptime", as_bytes("x"), p, h);
  ASSERT_TRUE(id.ok()) << id.message();
  // Processed locally too: our own ack goes to our own address.
  ASSERT_EQ(host.packets.size(), 1u);
  EXPECT_EQ(host.packets[0].to, addr_of(1));
  ASSERT_EQ(sink.queries.size(), 1u);
  const LamportTime lt = sink.queries[0].ltime;

  engine->notify_msg(at(seconds(2)), encode(wire::SerfQueryResponse{lt, *id, "b", wire::kQueryFlagAck, {}}));
  engine->notify_msg(at(seconds(2)), encode(wire::SerfQueryResponse{lt, *id, "b", wire::kQueryFlagAck, {}}));
  engine->notify_msg(at(seconds(2)), encode(wire::SerfQueryResponse{lt, *id, "b", 0, to_bytes("1")}));
  engine->notify_msg(at(seconds(2)), encode(wire::SerfQueryResponse{lt, *id, "b", 0, to_bytes("1")}));
  engine->notify_msg(at(seconds(2)), encode(wire::SerfQueryResponse{lt, *id + 1, "c", 0, to_bytes("1")}));
  EXPECT_EQ(acks, std::vector<std::string>{"b"});
  EXPECT_EQ(responses, std::vector<std::string>{"b"});
  EXPECT_TRUE(log.contains("query reply ID mismatch"));

  EXPECT_EQ(engine->next_deadline(), at(seconds(4)));
  engine->on_timer(at(seconds(4)));
  EXPECT_TRUE(done);
  engine->notify_msg(at(seconds(5)), encode(wire::SerfQueryResponse{lt, *id, "d", 0, to_bytes("1")}));
  EXPECT_EQ(responses.size(), 1u);
  EXPECT_TRUE(log.contains("reply for non-running query"));
}

TEST_F(SerfQuery, OutgoingQueryIsSizeLimitedAndCarriesFilters) {
  EXPECT_EQ(engine->query(at(seconds(1)), "big", Bytes(1100, 'x')).code(), Err::too_large);
  QueryParams p;
  p.filter_nodes = {"b"};
  p.filter_tags = {{"role", "^web$"}};
  ASSERT_TRUE(engine->query(at(seconds(1)), "q", {}, p).ok());
  auto out = drain();
  ASSERT_EQ(out.size(), 1u);
  auto m = wire::decode_serf_message(out[0]);
  ASSERT_TRUE(m.ok());
  const auto& q = std::get<wire::SerfQuery>(*m);
  ASSERT_EQ(q.filters.size(), 2u);
  EXPECT_EQ(std::get<wire::NodeFilter>(q.filters[0]).names, std::vector<std::string>{"b"});
  EXPECT_EQ(std::get<wire::TagFilter>(q.filters[1]).expr, "^web$");
  EXPECT_EQ(q.source_node, "a");
  EXPECT_EQ(q.addr, (Bytes{127, 0, 0, 1}));
  EXPECT_EQ(q.port, 7946);
  EXPECT_LT(q.id, 1u << 31);
  // Default timeout: 200 ms * 16 * ceil(log10(1 + 1)).
  EXPECT_EQ(q.timeout_ns, Duration(milliseconds(3200)).count());
  EXPECT_TRUE(sink.queries.empty());  // our filters exclude us
}

// ---------------------------------------------------------------- name conflicts

class SerfConflict : public SerfQuery {
 protected:
  // Starts the resolution and returns the conflict query that went out.
  wire::SerfQuery start_resolution() {
    auto impostor = node("a", 99);
    engine->notify_conflict(at(seconds(1)), node("a", 1), impostor);
    auto out = drain();
    EXPECT_EQ(out.size(), 1u);
    auto m = wire::decode_serf_message(out.at(0));
    EXPECT_TRUE(m.ok());
    auto q = std::get<wire::SerfQuery>(*m);
    EXPECT_EQ(q.name, "_serf_conflict");
    EXPECT_EQ(to_string(*q.payload), "a");
    return q;
  }
  void answer(const wire::SerfQuery& q, const std::string& from, std::uint8_t octet) {
    wire::SerfConflictResponse cr;
    cr.member = wire::SerfMember{};
    cr.member->name = "a";
    cr.member->addr = Bytes{127, 0, 0, octet};
    cr.member->port = 7946;
    auto payload = *wire::encode_serf_message(cr);
    engine->notify_msg(at(seconds(2)), encode(wire::SerfQueryResponse{q.ltime, q.id, from, 0, payload}));
  }
  void finish() {
    for (TimePoint t = engine->next_deadline(); t <= at(seconds(10)); t = engine->next_deadline()) {
      engine->on_timer(t);
    }
  }
};

TEST_F(SerfConflict, MinorityMarksUsConflictedInsteadOfExiting) {
  auto q = start_resolution();
  answer(q, "b", 99);  // the others believe the impostor
  answer(q, "c", 99);
  answer(q, "d", 1);
  finish();
  EXPECT_TRUE(engine->conflicted());
  ASSERT_EQ(sink.conflicts.size(), 1u);
  EXPECT_TRUE(sink.conflicts[0].minority);
  EXPECT_EQ(sink.conflicts[0].responses, 3);
  EXPECT_EQ(sink.conflicts[0].matching, 1);
  EXPECT_EQ(sink.conflicts[0].other_addr, "127.0.0.99:7946");
  EXPECT_EQ(engine->state(), SerfState::alive);  // still running
  EXPECT_TRUE(log.contains("minority in name conflict resolution [1 / 3]"));
}

TEST_F(SerfConflict, MajorityKeepsUsClean) {
  auto q = start_resolution();
  answer(q, "b", 1);
  answer(q, "c", 1);
  answer(q, "d", 99);
  finish();
  EXPECT_FALSE(engine->conflicted());
  ASSERT_EQ(sink.conflicts.size(), 1u);
  EXPECT_FALSE(sink.conflicts[0].minority);
}

TEST_F(SerfConflict, MappedAddressesCountAsOurs) {
  auto q = start_resolution();
  wire::SerfConflictResponse cr;
  cr.member = wire::SerfMember{};
  cr.member->addr = Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  cr.member->port = 7946;
  engine->notify_msg(at(seconds(2)),
                     encode(wire::SerfQueryResponse{q.ltime, q.id, "b", 0, *wire::encode_serf_message(cr)}));
  finish();
  EXPECT_FALSE(engine->conflicted());
  EXPECT_EQ(sink.conflicts.at(0).matching, 1);
}

TEST_F(SerfConflict, ConflictAboutAnotherNodeOnlyWarns) {
  engine->notify_conflict(at(seconds(1)), node("b", 2), node("b", 3));
  EXPECT_TRUE(drain().empty());
  EXPECT_TRUE(log.contains("Name conflict for 'b'"));
}

}  // namespace
}  // namespace wkd::serf
