#include "registry/status.hpp"

#include <array>
#include <cstddef>

namespace wkd::registry {

namespace {

constexpr std::array<const char*, 6> kStatusNames = {"STARTING", "HEALTHY",  "UNHEALTHY",
                                                     "DRAINING", "DOWN",     "DEREGISTERED"};
constexpr std::array<const char*, 3> kCheckNames = {"passing", "warning", "critical"};

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

const char* status_name(InstanceStatus s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < kStatusNames.size() ? kStatusNames[i] : "UNKNOWN";
}

std::optional<InstanceStatus> parse_status(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (equals_ignore_case(text, kStatusNames[i])) return static_cast<InstanceStatus>(i);
  }
  return std::nullopt;
}

const char* check_state_name(CheckState c) noexcept {
  const auto i = static_cast<std::size_t>(c);
  return i < kCheckNames.size() ? kCheckNames[i] : "unknown";
}

std::optional<CheckState> parse_check_state(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kCheckNames.size(); ++i) {
    if (equals_ignore_case(text, kCheckNames[i])) return static_cast<CheckState>(i);
  }
  return std::nullopt;
}

bool is_check_driven(InstanceStatus s) noexcept {
  return s == InstanceStatus::starting || s == InstanceStatus::healthy || s == InstanceStatus::unhealthy;
}

bool is_selectable(InstanceStatus s) noexcept { return s == InstanceStatus::healthy; }

bool is_terminal(InstanceStatus s) noexcept { return s == InstanceStatus::deregistered; }

InstanceStatus status_after_check(InstanceStatus current, CheckState check) noexcept {
  if (!is_check_driven(current)) return current;
  return check == CheckState::critical ? InstanceStatus::unhealthy : InstanceStatus::healthy;
}

CheckState check_state_view(InstanceStatus status, CheckState check) noexcept {
  return status == InstanceStatus::healthy ? check : CheckState::critical;
}

}  // namespace wkd::registry
