// Fuzz target: the registry's message decoders (registry/codec.hpp). The
// first byte picks a decoder (or every one of them, over the same bytes);
// the rest is the message, type byte included. A message that decodes is
// encoded again, and the encoding must decode to the same value: the
// encoder writes every field, so equal encodings mean equal messages. That
// catches a decoder that accepts what the writer cannot produce (or
// produces differently), and a writer whose output its own reader refuses.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "registry/codec.hpp"

using namespace wkd;
using namespace wkd::registry;

namespace {

[[noreturn]] void fail(const char* what, const std::string& why) {
  std::fprintf(stderr, "registry_messages: %s: %s\n", what, why.c_str());
  std::abort();
}

template <class Decode>
void round_trip(ByteView in, Decode decode, const char* what) {
  auto first = decode(in);
  if (!first.ok()) {
    if (first.message().empty()) fail(what, "a refusal without a reason");
    return;
  }
  const Bytes once = encode(*first);
  auto second = decode(ByteView(once));
  if (!second.ok()) fail(what, "its own encoding refused: " + second.message());
  if (encode(*second) != once) fail(what, "decode(encode(m)) differs from m");
  if (in[0] != once[0]) fail(what, "the type byte changed");
}

void one(ByteView in, unsigned which) {
  switch (which) {
    case 0: round_trip(in, [](ByteView b) { return decode_records(b); }, "records"); break;
    case 1: round_trip(in, [](ByteView b) { return decode_announce(b); }, "announce"); break;
    case 2: round_trip(in, [](ByteView b) { return decode_sync(b); }, "sync"); break;
    case 3: round_trip(in, [](ByteView b) { return decode_sync_reply(b); }, "sync reply"); break;
    case 4: round_trip(in, [](ByteView b) { return decode_pull(b); }, "pull"); break;
    case 5: round_trip(in, [](ByteView b) { return decode_pull_reply(b); }, "pull reply"); break;
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const ByteView msg(data + 1, size - 1);
  // The type byte alone decides which decoder accepts; peek_type agrees.
  const auto type = peek_type(msg);
  if (type.ok() != (msg[0] >= 0xE0 && msg[0] <= 0xE5)) std::abort();
  const unsigned pick = data[0] % 7;
  if (pick == 6) {
    for (unsigned i = 0; i < 6; ++i) one(msg, i);
  } else {
    one(msg, pick);
  }
  return 0;
}
