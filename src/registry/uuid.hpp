// The internal id of a service instance: a random (version 4) UUID drawn
// from the injected Rng, printed as 36 lower-case characters
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/rng.hpp"

namespace wkd::registry {

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  static Uuid generate(Rng& rng) noexcept;
  // The 8-4-4-4-12 hex form, either case; nullopt for anything else.
  static std::optional<Uuid> parse(std::string_view text) noexcept;

  std::string to_string() const;
  bool is_nil() const noexcept;

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

}  // namespace wkd::registry
