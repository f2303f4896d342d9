// Every reason the wire layer rejects input, each with its own code.
//
// Decoders return Status<Err>/Result<T, Err>; the runtime counts failures by
// code (DecodeCounters) so operators can see why packets are dropped. Codes
// are appended, never renumbered: they show up in stats and logs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.hpp"

namespace wkd::wire {

// XX(name, text)
#define WKD_WIRE_ERR_MAP(XX)                                                    \
  XX(truncated, "input ends before the message does")                          \
  XX(oversized, "input exceeds a size limit")                                  \
  XX(bad_length, "a length field is inconsistent with the data")              \
  XX(bad_msgpack, "malformed msgpack")                                         \
  XX(bad_field, "a field has the wrong type or an out-of-range value")         \
  XX(missing_field, "a required field is absent")                              \
  XX(empty_part, "zero-length message inside a compound or after a header")    \
  XX(short_vsn, "version array shorter than 6 bytes")                          \
  XX(bad_vsn, "version array values are inconsistent")                        \
  XX(lzw_corrupt, "LZW data is corrupt or lacks its end code")                 \
  XX(bad_compression, "unknown compression algorithm")                         \
  XX(decompress_limit, "decompressed data exceeds the limit")                  \
  XX(bad_crc, "CRC32 mismatch")                                                \
  XX(bad_label, "malformed label header")                                      \
  XX(label_mismatch, "label differs from the configured one")                  \
  XX(decrypt_failed, "no key in the keyring decrypts the message")             \
  XX(bad_encryption_version, "unknown encryption version")                     \
  XX(plaintext_rejected, "unencrypted input while encryption is required")     \
  XX(unexpected_encryption, "encrypted input while no keyring is configured")  \
  XX(bad_key, "key is not 16, 24 or 32 bytes")                                 \
  XX(unknown_type, "unknown message type")                                     \
  XX(nested_too_deep, "compound or compressed messages nested too deeply")     \
  XX(bad_padding, "bad PKCS#7 padding in a version-0 encrypted message")        \
  XX(bad_tags, "malformed serf tags in node meta")                             \
  XX(empty_filter, "serf query filter entry is empty")                         \
  XX(key_not_installed, "the key is not in the keyring")                       \
  XX(primary_key_removal, "the primary key cannot be removed from the keyring")

enum class Err : std::uint8_t {
#define WKD_WIRE_ERR_ENUM(name, text) name,
  WKD_WIRE_ERR_MAP(WKD_WIRE_ERR_ENUM)
#undef WKD_WIRE_ERR_ENUM
};

inline constexpr std::size_t kErrCount = 0
#define WKD_WIRE_ERR_COUNT(name, text) +1
    WKD_WIRE_ERR_MAP(WKD_WIRE_ERR_COUNT)
#undef WKD_WIRE_ERR_COUNT
    ;

// "truncated", "bad_crc", ... (stable identifiers for stats and logs).
const char* err_name(Err e) noexcept;
// Human text for the code.
const char* err_text(Err e) noexcept;

using Status = wkd::Status<Err>;
template <class T>
using Result = wkd::Result<T, Err>;

inline Failure<Err> fail(Err code, std::string message) { return Failure<Err>{code, std::move(message)}; }

// Per-reason counters of rejected input.
struct DecodeCounters {
  std::array<std::uint64_t, kErrCount> by_reason{};
  void count(Err e) noexcept { ++by_reason[static_cast<std::size_t>(e)]; }
  std::uint64_t operator[](Err e) const noexcept { return by_reason[static_cast<std::size_t>(e)]; }
  std::uint64_t total() const noexcept {
    std::uint64_t t = 0;
    for (auto v : by_reason) t += v;
    return t;
  }
};

}  // namespace wkd::wire
