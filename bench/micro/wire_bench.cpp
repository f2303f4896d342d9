// Wire codec micro-benchmarks: encode and decode of each memberlist and serf
// message, compound packing, and whole gossip datagrams (encode_packet /
// decode_packet) with and without the keyring.
//
// items_per_second counts messages (datagrams for the packet benchmarks);
// bytes_per_second counts encoded bytes produced or consumed.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "alloc_counter.hpp"
#include "common/rng.hpp"
#include "samples.hpp"
#include "wire/compound.hpp"
#include "wire/keyring.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/packet.hpp"
#include "wire/serf_codec.hpp"

namespace wkd::bench {
namespace {

// Publishes items, bytes and allocations for a loop that handled one
// message of `size` bytes per iteration.
void finish(benchmark::State& state, const AllocMark& mark, std::size_t size) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  mark.report(state);
}

// ---- memberlist messages ----

// One encode per iteration; `encode()` returns a Result<Bytes>.
template <class Encode>
void encode_loop(benchmark::State& state, Encode encode) {
  const std::size_t size = encode()->size();
  const AllocMark mark;
  for (auto _ : state) {
    auto out = encode();
    benchmark::DoNotOptimize(out);
  }
  finish(state, mark, size);
}

// One decode of `raw` per iteration; `decode(raw)` returns a Result.
template <class Decode>
void decode_loop(benchmark::State& state, const Bytes& raw, Decode decode) {
  const AllocMark mark;
  for (auto _ : state) {
    auto msg = decode(raw);
    if (!msg.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(msg);
  }
  finish(state, mark, raw.size());
}

template <class M>
void BM_MemberlistEncode(benchmark::State& state, M m) {
  encode_loop(state, [&] { return wire::encode_message(m); });
}

template <class M>
void BM_MemberlistDecode(benchmark::State& state, M m) {
  decode_loop(state, *wire::encode_message(m), [](const Bytes& raw) { return wire::decode_message(raw); });
}

BENCHMARK_CAPTURE(BM_MemberlistEncode, ping, sample_ping());
BENCHMARK_CAPTURE(BM_MemberlistDecode, ping, sample_ping());
BENCHMARK_CAPTURE(BM_MemberlistEncode, indirect_ping, sample_indirect_ping());
BENCHMARK_CAPTURE(BM_MemberlistDecode, indirect_ping, sample_indirect_ping());
BENCHMARK_CAPTURE(BM_MemberlistEncode, ack, sample_ack());
BENCHMARK_CAPTURE(BM_MemberlistDecode, ack, sample_ack());
BENCHMARK_CAPTURE(BM_MemberlistEncode, nack, wire::Nack{4711});
BENCHMARK_CAPTURE(BM_MemberlistDecode, nack, wire::Nack{4711});
BENCHMARK_CAPTURE(BM_MemberlistEncode, suspect, sample_suspect());
BENCHMARK_CAPTURE(BM_MemberlistDecode, suspect, sample_suspect());
BENCHMARK_CAPTURE(BM_MemberlistEncode, alive, sample_alive(3));
BENCHMARK_CAPTURE(BM_MemberlistDecode, alive, sample_alive(3));
BENCHMARK_CAPTURE(BM_MemberlistEncode, dead, sample_dead());
BENCHMARK_CAPTURE(BM_MemberlistDecode, dead, sample_dead());

// Push/pull: header, range(0) node states and serf's user state.
void BM_PushPullEncode(benchmark::State& state) {
  const wire::PushPull pp = sample_push_pull(static_cast<std::size_t>(state.range(0)));
  const std::size_t size = wire::encode_message(pp)->size();
  const AllocMark mark;
  for (auto _ : state) {
    auto out = wire::encode_message(pp);
    benchmark::DoNotOptimize(out);
  }
  finish(state, mark, size);
  state.counters["msg_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_PushPullEncode)->Arg(10)->Arg(100);

void BM_PushPullDecode(benchmark::State& state) {
  const Bytes raw = *wire::encode_message(sample_push_pull(static_cast<std::size_t>(state.range(0))));
  const ByteView body = ByteView(raw).subspan(1);
  const AllocMark mark;
  for (auto _ : state) {
    auto pp = wire::decode_push_pull(body);
    if (!pp.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(pp);
  }
  finish(state, mark, raw.size());
  state.counters["msg_bytes"] = static_cast<double>(raw.size());
}
BENCHMARK(BM_PushPullDecode)->Arg(10)->Arg(100);

// A TCP user message (0x08, header, 256-byte payload) and its header.
void BM_UserMsgEncode(benchmark::State& state) {
  const Bytes payload(256, 0x42);
  const std::size_t size = wire::encode_stream_user_message(payload).size();
  const AllocMark mark;
  for (auto _ : state) {
    auto out = wire::encode_stream_user_message(payload);
    benchmark::DoNotOptimize(out);
  }
  finish(state, mark, size);
}
BENCHMARK(BM_UserMsgEncode);

void BM_UserMsgDecode(benchmark::State& state) {
  const Bytes raw = wire::encode_stream_user_message(Bytes(256, 0x42));
  const ByteView body = ByteView(raw).subspan(1);
  const AllocMark mark;
  for (auto _ : state) {
    auto h = wire::decode_user_msg_header(body);
    if (!h.ok() || h->user_msg_len != 256) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(h);
  }
  finish(state, mark, raw.size());
}
BENCHMARK(BM_UserMsgDecode);

// ---- serf messages (serfType ‖ msgpack) ----

wire::SerfUserEvent sample_user_event() { return {1234, "deploy", Bytes(64, 0x61), true}; }

wire::SerfQuery sample_query() {
  wire::SerfQuery q;
  q.ltime = 99;
  q.id = 0xdeadbeef;
  q.addr = node_ip(1);
  q.port = 7946;
  q.source_node = node_name(1);
  q.filters = {wire::NodeFilter{{node_name(2), node_name(3), node_name(4)}}, wire::TagFilter{"db", "^postgres$"}};
  q.flags = wire::kQueryFlagAck;
  q.timeout_ns = 5'000'000'000;
  q.name = "health-check";
  q.payload = Bytes(32, 0x71);
  return q;
}

template <class M>
void BM_SerfEncode(benchmark::State& state, M m) {
  encode_loop(state, [&] { return wire::encode_serf_message(m); });
}

template <class M>
void BM_SerfDecode(benchmark::State& state, M m) {
  decode_loop(state, *wire::encode_serf_message(m), [](const Bytes& raw) { return wire::decode_serf_message(raw); });
}

BENCHMARK_CAPTURE(BM_SerfEncode, join, wire::SerfJoin{1234, node_name(7)});
BENCHMARK_CAPTURE(BM_SerfDecode, join, wire::SerfJoin{1234, node_name(7)});
BENCHMARK_CAPTURE(BM_SerfEncode, leave, wire::SerfLeave{1235, node_name(7), false});
BENCHMARK_CAPTURE(BM_SerfDecode, leave, wire::SerfLeave{1235, node_name(7), false});
BENCHMARK_CAPTURE(BM_SerfEncode, user_event, sample_user_event());
BENCHMARK_CAPTURE(BM_SerfDecode, user_event, sample_user_event());
BENCHMARK_CAPTURE(BM_SerfEncode, query, sample_query());
BENCHMARK_CAPTURE(BM_SerfDecode, query, sample_query());

// ---- compound packing of range(0) alive messages ----

std::vector<Bytes> alive_messages(std::size_t n) {
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(*wire::encode_message(sample_alive(i)));
  return out;
}

std::vector<ByteView> views_of(const std::vector<Bytes>& msgs) { return {msgs.begin(), msgs.end()}; }

void BM_CompoundEncode(benchmark::State& state) {
  const auto msgs = alive_messages(static_cast<std::size_t>(state.range(0)));
  const auto parts = views_of(msgs);
  const std::size_t size = wire::encode_compound(parts)->size();
  const AllocMark mark;
  for (auto _ : state) {
    auto out = wire::encode_compound(parts);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  mark.report(state);
}
BENCHMARK(BM_CompoundEncode)->Arg(2)->Arg(16)->Arg(64);

void BM_CompoundDecode(benchmark::State& state) {
  const auto msgs = alive_messages(static_cast<std::size_t>(state.range(0)));
  const Bytes raw = *wire::encode_compound(views_of(msgs));
  const ByteView body = ByteView(raw).subspan(1);
  const AllocMark mark;
  for (auto _ : state) {
    auto parts = wire::decode_compound(body);
    if (!parts.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(parts);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
  mark.report(state);
}
BENCHMARK(BM_CompoundDecode)->Arg(2)->Arg(16)->Arg(64);

// ---- whole gossip datagrams ----
//
// A ping with as many alive broadcasts piggybacked as fit the 1400-byte
// budget (with CRC, as sent to a protocol-5 peer), in plaintext or encrypted
// with a 32-byte key (range(0) = 0 or 1). Decoding also splits the compound.

struct Datagram {
  std::vector<Bytes> msgs;
  wire::Keyring ring;
  wire::PacketEncodeOptions enc;
  wire::PacketDecodeOptions dec;

  explicit Datagram(bool encrypted) {
    msgs.push_back(*wire::encode_message(sample_ping()));
    if (encrypted) {
      const std::vector<Bytes> keys{Bytes(32, 0x17)};
      ring = *wire::Keyring::make(keys);
      enc.keyring = &ring;
      dec.keyring = &ring;
    }
    wire::PacketBudget budget;
    budget.encrypted = encrypted;
    std::size_t left = wire::piggyback_budget(msgs[0].size(), budget) - 5;  // CRC header
    for (std::size_t i = 0;; ++i) {
      Bytes m = *wire::encode_message(sample_alive(i));
      if (m.size() + wire::kBroadcastOverhead > left) break;
      left -= m.size() + wire::kBroadcastOverhead;
      msgs.push_back(std::move(m));
    }
    enc.crc = true;
  }
};

void BM_PacketEncode(benchmark::State& state) {
  const Datagram d(state.range(0) != 0);
  const auto parts = views_of(d.msgs);
  Rng rng(1);
  const std::size_t size = wire::encode_packet(parts, d.enc, rng)->size();
  const AllocMark mark;
  for (auto _ : state) {
    auto out = wire::encode_packet(parts, d.enc, rng);
    benchmark::DoNotOptimize(out);
  }
  finish(state, mark, size);
  state.counters["msgs/packet"] = static_cast<double>(d.msgs.size());
  state.SetLabel(state.range(0) != 0 ? "aes-256-gcm" : "plaintext");
}
BENCHMARK(BM_PacketEncode)->Arg(0)->Arg(1);

void BM_PacketDecode(benchmark::State& state) {
  const Datagram d(state.range(0) != 0);
  Rng rng(1);
  const Bytes raw = *wire::encode_packet(views_of(d.msgs), d.enc, rng);
  wire::DecodeCounters counters;
  const AllocMark mark;
  for (auto _ : state) {
    auto p = wire::decode_packet(raw, d.dec, counters);
    if (!p.ok() || p->messages.size() != d.msgs.size()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(p);
  }
  finish(state, mark, raw.size());
  state.counters["msgs/packet"] = static_cast<double>(d.msgs.size());
  state.SetLabel(state.range(0) != 0 ? "aes-256-gcm" : "plaintext");
}
BENCHMARK(BM_PacketDecode)->Arg(0)->Arg(1);

}  // namespace
}  // namespace wkd::bench
