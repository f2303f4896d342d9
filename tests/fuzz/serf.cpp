// Fuzz target: the Serf message decoders (gossip messages, push/pull state,
// query filters, conflict and key payloads), Serf tags in node meta and the
// Vivaldi coordinate payload. A message that decodes is encoded again and
// must decode to the same value.
#include <cstdint>
#include <cstdlib>

#include "wire/coordinate.hpp"
#include "wire/serf_codec.hpp"
#include "wire/tags.hpp"

using namespace wkd;
using namespace wkd::wire;

namespace {

template <class T, class Decode>
void round_trip(const T& v, Decode decode) {
  for (IntStyle style : {IntStyle::legacy, IntStyle::v2}) {
    auto enc = encode_serf_message(v, style);
    if (!enc.ok()) continue;  // the encoder may refuse what Go would choke on
    auto frame = split_serf_message(*enc);
    if (!frame.ok()) std::abort();
    auto again = decode(frame->body);
    if (!again.ok() || !(*again == v)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  ByteView in(data, size);
  const ByteView rest = in.subspan(1);
  switch (data[0] % 6) {
    case 0: {
      auto m = decode_serf_message(rest);
      if (!m.ok()) break;
      if (auto* v = std::get_if<SerfLeave>(&*m)) round_trip(*v, [](ByteView b) { return decode_serf_leave(b); });
      if (auto* v = std::get_if<SerfJoin>(&*m)) round_trip(*v, [](ByteView b) { return decode_serf_join(b); });
      if (auto* v = std::get_if<SerfUserEvent>(&*m))
        round_trip(*v, [](ByteView b) { return decode_serf_user_event(b); });
      if (auto* v = std::get_if<SerfQueryResponse>(&*m))
        round_trip(*v, [](ByteView b) { return decode_serf_query_response(b); });
      break;
    }
    case 1: {
      auto pp = decode_serf_push_pull(rest);
      if (pp.ok()) (void)encode_serf_message(*pp, IntStyle::legacy);
      break;
    }
    case 2:
      (void)decode_query_filter(rest);
      (void)decode_serf_key_request(rest);
      (void)decode_serf_key_response(rest);
      break;
    case 3:
      (void)decode_serf_conflict_response(rest);
      (void)decode_serf_relay(rest);
      break;
    case 4: {
      auto tags = decode_tags(rest);
      if (tags.ok()) {
        auto enc = encode_tags(*tags);
        if (enc.ok()) {
          auto again = decode_tags(*enc);
          if (!again.ok() || !(*again == *tags)) std::abort();
        }
      }
      break;
    }
    case 5: {
      auto c = decode_coordinate_payload(rest);
      if (c.ok()) {
        auto enc = encode_coordinate_payload(*c);
        if (!enc.ok()) std::abort();
      }
      break;
    }
  }
  return 0;
}
