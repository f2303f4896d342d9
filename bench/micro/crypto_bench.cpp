// AES-GCM micro-benchmarks (wire/crypto.hpp): encrypting and decrypting a
// full 1400-byte gossip datagram, version 1 framing, with 16- and 32-byte
// keys (range(0)), and decrypting with a three-key ring whose matching key
// is the last one (a node in the middle of a key rotation tries each).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "alloc_counter.hpp"
#include "common/rng.hpp"
#include "wire/crypto.hpp"
#include "wire/keyring.hpp"
#include "wire/packet.hpp"

namespace wkd::bench {
namespace {

constexpr std::size_t kDatagram = wire::kUdpBufferSize;

wire::Keyring ring_of(std::vector<Bytes> keys) { return *wire::Keyring::make(keys); }

Bytes plaintext() {
  Bytes p(kDatagram);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return p;
}

void finish(benchmark::State& state, const AllocMark& mark) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kDatagram));
  mark.report(state);
}

void BM_Encrypt(benchmark::State& state) {
  const auto key_size = static_cast<std::size_t>(state.range(0));
  const wire::Keyring ring = ring_of({Bytes(key_size, 0x17)});
  const Bytes plain = plaintext();
  Rng rng(7);
  const AllocMark mark;
  for (auto _ : state) {
    auto blob = wire::encrypt(ring, wire::EncryptionVersion::v1, rng, plain, {});
    benchmark::DoNotOptimize(blob);
  }
  finish(state, mark);
}
BENCHMARK(BM_Encrypt)->Arg(16)->Arg(32);

// Opens `blob` with `ring` once per iteration.
void decrypt_loop(benchmark::State& state, const wire::Keyring& ring, const Bytes& blob) {
  const AllocMark mark;
  for (auto _ : state) {
    auto plain = wire::decrypt(ring, blob, {});
    if (!plain.ok()) state.SkipWithError("decrypt failed");
    benchmark::DoNotOptimize(plain);
  }
  finish(state, mark);
}

void BM_Decrypt(benchmark::State& state) {
  const auto key_size = static_cast<std::size_t>(state.range(0));
  const wire::Keyring ring = ring_of({Bytes(key_size, 0x17)});
  Rng rng(7);
  decrypt_loop(state, ring, *wire::encrypt(ring, wire::EncryptionVersion::v1, rng, plaintext(), {}));
}
BENCHMARK(BM_Decrypt)->Arg(16)->Arg(32);

// Three 32-byte keys; the datagram was sealed with the third.
void BM_DecryptThirdKey(benchmark::State& state) {
  const wire::Keyring ring = ring_of({Bytes(32, 0x01), Bytes(32, 0x02), Bytes(32, 0x03)});
  const wire::Keyring sender = ring_of({Bytes(32, 0x03)});
  Rng rng(7);
  decrypt_loop(state, ring, *wire::encrypt(sender, wire::EncryptionVersion::v1, rng, plaintext(), {}));
}
BENCHMARK(BM_DecryptThirdKey);

}  // namespace
}  // namespace wkd::bench
