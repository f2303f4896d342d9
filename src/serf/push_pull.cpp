// Serf push/pull user state with the WkdState key (see push_pull.hpp).
//
// The serf fields go through the wire codec. The extra key is spliced in
// around it: encoding rewrites the codec's 6-entry fixmap header (0x86) to
// 0x87 and appends "WkdState" and its bytes; decoding makes a second pass
// over the top-level map looking only for that key.
#include "serf/push_pull.hpp"

#include <string>
#include <utility>

#include "wire/serf_codec.hpp"

namespace wkd::serf {

namespace {

constexpr std::uint8_t kFixMap6 = 0x86;
constexpr std::uint8_t kFixMap7 = 0x87;

}  // namespace

wire::Result<Bytes> encode_push_pull_state(const PushPullState& s, wire::IntStyle style) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(wire::SerfType::push_pull));
  wire::msgpack::Writer w(out, style);
  if (auto st = wire::encode_serf_body(s.serf, w); !st) return std::move(st).failure();
  if (s.wkd_state) {
    if (out.size() < 2 || out[1] != kFixMap6) {
      return wire::fail(wire::Err::bad_field, "push_pull: unexpected map header from the serf codec");
    }
    out[1] = kFixMap7;
    w.key("WkdState");
    w.raw(*s.wkd_state);
  }
  return out;
}

wire::Result<PushPullState> decode_push_pull_state(ByteView state) {
  if (state.empty()) return wire::fail(wire::Err::truncated, "push_pull user state is empty");
  if (state[0] != static_cast<std::uint8_t>(wire::SerfType::push_pull)) {
    return wire::fail(wire::Err::unknown_type,
                      "push_pull user state has type prefix " + std::to_string(state[0]) + ", want 2");
  }
  const ByteView body = state.subspan(1);
  auto pp = wire::decode_serf_push_pull(body);
  if (!pp) return std::move(pp).failure();

  PushPullState out;
  out.serf = std::move(*pp);

  wire::msgpack::Reader r(body);
  auto header = r.read_struct_header("push_pull");
  if (!header) return std::move(header).failure();
  if (!header->is_map) return out;  // positional form: no room for extra keys
  for (std::uint32_t i = 0; i < header->count; ++i) {
    auto key = r.read_str("push_pull key");
    if (!key) return std::move(key).failure();
    if (*key == "WkdState") {
      if (r.take_nil()) continue;
      auto bytes = r.read_bytes("push_pull.WkdState");
      if (!bytes) return std::move(bytes).failure();
      out.wkd_state = std::move(*bytes);
    } else if (auto st = r.skip("push_pull value"); !st) {
      return std::move(st).failure();
    }
  }
  return out;
}

}  // namespace wkd::serf
