// Fuzz target: the TCP stream decoder, fed in chunks, and the push/pull and
// user-message decoders behind it.
//
// Input: byte 0 picks the role, keyring and label; byte 1 the chunk size;
// the rest is the stream. Every complete message is decoded the way a node
// handles it.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "wire/keyring.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/stream.hpp"

using namespace wkd;
using namespace wkd::wire;

namespace {

const Keyring& test_keyring() {
  static const Keyring ring = [] {
    Bytes k(16);
    for (int i = 0; i < 16; ++i) k[i] = static_cast<std::uint8_t>(i);
    const Bytes keys[] = {k};
    return Keyring::make(keys).value();
  }();
  return ring;
}

void handle(const StreamMessage& m) {
  if (m.bytes.empty()) std::abort();
  switch (static_cast<MsgType>(m.type())) {
    case MsgType::push_pull: {
      auto pp = decode_push_pull(m.body());
      if (pp.ok()) (void)encode_message(*pp, IntStyle::legacy);
      break;
    }
    case MsgType::ping:
      (void)decode_ping(m.body());
      break;
    case MsgType::ack:
      (void)decode_ack(m.body());
      break;
    case MsgType::err:
      (void)decode_err_resp(m.body());
      break;
    case MsgType::user: {
      auto h = decode_user_msg_header(m.body());
      (void)h;
      break;
    }
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t chunk = std::max<std::size_t>(1, data[1]);
  ByteView stream(data + 2, size - 2);

  StreamDecodeOptions opts;
  if (mode & 1) opts.keyring = &test_keyring();
  opts.verify_incoming = (mode & 2) == 0;
  if (mode & 4) opts.label = "wkd-fuzz";
  opts.max_stream_bytes = 1 << 20;
  opts.max_decompressed = 1 << 20;
  DecodeCounters counters;
  opts.counters = &counters;
  StreamDecoder dec((mode & 8) ? StreamRole::dialer : StreamRole::acceptor, opts);

  std::size_t pos = 0;
  while (pos < stream.size()) {
    const std::size_t n = std::min(chunk, stream.size() - pos);
    auto step = dec.feed(stream.subspan(pos, n));
    pos += n;
    while (step.ok() && step->status == StreamStatus::message) {
      handle(step->message);
      step = dec.next();
    }
    if (!step.ok()) {
      if (counters.total() == 0) std::abort();  // every failure is counted
      return 0;
    }
  }
  (void)dec.finish();
  return 0;
}
