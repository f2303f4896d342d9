// Fuzz target: the UDP packet decoder and every message decoder behind it.
//
// The first input byte picks the receiver's set-up (keyring or not, verify
// incoming, label); the rest is the datagram. Every inner message that the
// framing yields is decoded as a memberlist message, and user messages as
// Serf messages, as a node would. Any crash, sanitizer report or failed
// invariant below is a bug.
#include <cstdint>
#include <cstdlib>

#include "wire/keyring.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/packet.hpp"
#include "wire/serf_codec.hpp"

using namespace wkd;
using namespace wkd::wire;

namespace {

const Keyring& test_keyring() {
  static const Keyring ring = [] {
    Bytes k1(16), k2(32);
    for (int i = 0; i < 16; ++i) k1[i] = static_cast<std::uint8_t>(i);  // the capture key
    for (int i = 0; i < 32; ++i) k2[i] = static_cast<std::uint8_t>(0xa0 + i);
    const Bytes keys[] = {k1, k2};
    return Keyring::make(keys).value();
  }();
  return ring;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  ByteView datagram(data + 1, size - 1);

  PacketDecodeOptions opts;
  if (mode & 1) opts.keyring = &test_keyring();
  opts.verify_incoming = (mode & 2) == 0;
  if (mode & 4) opts.label = "wkd-fuzz";
  opts.max_decompressed = 1 << 20;

  DecodeCounters counters;
  auto packet = decode_packet(datagram, opts, counters);
  if (!packet.ok()) {
    check(counters.total() >= 1);
    return 0;
  }
  for (const InnerMessage& m : packet->messages) {
    check(!m.bytes.empty());
    if (m.type() == static_cast<std::uint8_t>(MsgType::user)) {
      auto serf = decode_serf_message(m.body());
      (void)serf;
      continue;
    }
    auto msg = decode_message(m.bytes);
    if (msg.ok()) {
      // Whatever decodes must encode again (unless the encoder refuses a
      // value on purpose, such as an alive without a Vsn).
      std::visit([](const auto& v) { (void)encode_message(v, IntStyle::v2); }, *msg);
    }
  }
  return 0;
}
