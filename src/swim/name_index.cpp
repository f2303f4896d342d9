#include "swim/name_index.hpp"

#include <functional>

namespace wkd::swim {

namespace {
// Slots at most 3/4 full; never fewer than 8.
constexpr std::size_t kMinSlots = 8;
std::size_t slots_for(std::size_t n) {
  std::size_t slots = kMinSlots;
  while (slots * 3 < n * 4) slots *= 2;
  return slots;
}
}  // namespace

std::size_t NameIndex::hash(std::string_view name) noexcept {
  // std::hash's string hash, then a multiplicative mix so that the low bits
  // (the slot) depend on every bit of it.
  const std::uint64_t h = std::hash<std::string_view>{}(name) * 0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(h ^ (h >> 32));
}

NodeInfo* NameIndex::find(std::string_view name) const noexcept {
  if (size_ == 0) return nullptr;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(name);; i = (i + 1) & mask) {
    NodeInfo* n = slots_[i];
    if (n == nullptr) return nullptr;
    if (n->name == name) return n;
  }
}

void NameIndex::insert(NodeInfo* node) {
  if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.empty() ? kMinSlots : slots_.size() * 2);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(node->name);
  while (slots_[i] != nullptr) i = (i + 1) & mask;
  slots_[i] = node;
  ++size_;
}

bool NameIndex::erase(std::string_view name) noexcept {
  if (size_ == 0) return false;
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(name);
  for (;; i = (i + 1) & mask) {
    if (slots_[i] == nullptr) return false;
    if (slots_[i]->name == name) break;
  }
  // Backward shift: move later entries of the run into the hole when the
  // hole lies between their home slot and where they sit.
  std::size_t hole = i;
  for (std::size_t j = (hole + 1) & mask; slots_[j] != nullptr; j = (j + 1) & mask) {
    const std::size_t want = home(slots_[j]->name);
    const bool movable = hole <= j ? (want <= hole || want > j) : (want <= hole && want > j);
    if (movable) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = nullptr;
  --size_;
  return true;
}

void NameIndex::reserve(std::size_t n) {
  const std::size_t want = slots_for(n);
  if (want > slots_.size()) rehash(want);
}

void NameIndex::rehash(std::size_t slot_count) {
  std::vector<NodeInfo*> old;
  old.swap(slots_);
  slots_.assign(slot_count, nullptr);
  const std::size_t mask = slot_count - 1;
  for (NodeInfo* n : old) {
    if (n == nullptr) continue;
    std::size_t i = home(n->name);
    while (slots_[i] != nullptr) i = (i + 1) & mask;
    slots_[i] = n;
  }
}

}  // namespace wkd::swim
