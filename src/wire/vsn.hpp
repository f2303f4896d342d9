// The memberlist version array ("Vsn") carried by alive and push/pull node
// states: [PMin, PMax, PCur, DMin, DMax, DCur] — memberlist protocol range
// and current, delegate (serf) protocol range and current (docs/wire.md §8).
//
// On the wire it is a 6-byte raw string (a6 01 05 02 02 05 05). Debian
// serf 0.9.4 panics on a Vsn of 1..5 bytes, so wkd never emits one and rejects
// one on input (Err::short_vsn); an empty Vsn means "not given" and is
// accepted. A Vsn whose PMin or PMax is 0, or with PMin > PMax, makes Go
// ignore the whole alive message (Err::bad_vsn).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire {

struct Vsn {
  std::uint8_t pmin = 0;
  std::uint8_t pmax = 0;
  std::uint8_t pcur = 0;
  std::uint8_t dmin = 0;
  std::uint8_t dmax = 0;
  std::uint8_t dcur = 0;

  friend bool operator==(const Vsn&, const Vsn&) = default;
};

inline constexpr std::size_t kVsnSize = 6;

// What wkd advertises: memberlist protocol 1..5 speaking 2 (as serf does),
// serf delegate protocol 2..5 speaking 5 (as the serf agent does).
inline constexpr Vsn kWkdVsn{1, 5, 2, 2, 5, 5};

inline std::array<std::uint8_t, kVsnSize> vsn_bytes(const Vsn& v) noexcept {
  return {v.pmin, v.pmax, v.pcur, v.dmin, v.dmax, v.dcur};
}

// PMin and PMax non-zero and ordered.
inline Status check_vsn(const Vsn& v, std::string_view field) {
  if (v.pmin == 0 || v.pmax == 0 || v.pmin > v.pmax) {
    return fail(Err::bad_vsn, std::string(field) + ": protocol range [" + std::to_string(v.pmin) +
                                  ", " + std::to_string(v.pmax) +
                                  "] is invalid (PMin and PMax must be non-zero, PMin <= PMax)");
  }
  return {};
}

// Parses received Vsn bytes. Empty gives nullopt (no version given); 1..5
// bytes is Err::short_vsn; 6 or more bytes use the first six (as Go does) and
// are checked with check_vsn().
inline Result<std::optional<Vsn>> parse_vsn(ByteView raw, std::string_view field) {
  if (raw.empty()) return std::optional<Vsn>{};
  if (raw.size() < kVsnSize) {
    return fail(Err::short_vsn, std::string(field) + ": " + std::to_string(raw.size()) +
                                    " bytes, need " + std::to_string(kVsnSize));
  }
  Vsn v{raw[0], raw[1], raw[2], raw[3], raw[4], raw[5]};
  if (auto st = check_vsn(v, field); !st) return std::move(st).failure();
  return std::optional<Vsn>{v};
}

}  // namespace wkd::wire
