#include "serf/shared_tags.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace wkd::serf {

// Block layout (offsets in bytes from the block's start, read with memcpy
// so nothing depends on the block's alignment):
//   u32 n
//   n x {u32 key_off, u32 key_len, u32 value_off, u32 value_len}, key order
//   text: each key and value followed by a NUL
namespace {

constexpr std::size_t kHeader = sizeof(std::uint32_t);
constexpr std::size_t kEntry = 4 * sizeof(std::uint32_t);

std::uint32_t load_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store_u32(char* p, std::size_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  std::memcpy(p, &u, sizeof u);
}

}  // namespace

SharedTags::SharedTags(const wire::Tags& tags) {
  if (tags.empty()) return;
  std::size_t size = kHeader + kEntry * tags.size();
  for (const auto& [k, v] : tags) size += k.size() + 1 + v.size() + 1;
  std::shared_ptr<char[]> block = std::make_shared<char[]>(size);
  char* base = block.get();
  store_u32(base, tags.size());
  char* entry = base + kHeader;
  std::size_t text = kHeader + kEntry * tags.size();
  auto put = [&](const std::string& s, char* slot) {
    store_u32(slot, text);
    store_u32(slot + sizeof(std::uint32_t), s.size());
    std::memcpy(base + text, s.data(), s.size());
    base[text + s.size()] = '\0';
    text += s.size() + 1;
  };
  for (const auto& [k, v] : tags) {  // std::map: already in key order
    put(k, entry);
    put(v, entry + 2 * sizeof(std::uint32_t));
    entry += kEntry;
  }
  block_ = std::move(block);
}

std::size_t SharedTags::size() const noexcept { return block_ ? load_u32(block_.get()) : 0; }

SharedTags::value_type SharedTags::entry(std::size_t i) const noexcept {
  const char* base = block_.get();
  const char* e = base + kHeader + kEntry * i;
  return {std::string_view(base + load_u32(e), load_u32(e + 4)),
          std::string_view(base + load_u32(e + 8), load_u32(e + 12))};
}

SharedTags::const_iterator SharedTags::find(std::string_view key) const noexcept {
  std::size_t lo = 0, hi = size();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::string_view k = entry(mid).first;
    if (k == key) return {this, mid};
    if (k < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return end();
}

std::string_view SharedTags::at(std::string_view key) const {
  const auto it = find(key);
  if (it == end()) throw std::out_of_range("no tag \"" + std::string(key) + "\"");
  return (*it).second;
}

wire::Tags SharedTags::to_map() const {
  wire::Tags out;
  for (const auto& [k, v] : *this) out.emplace_hint(out.end(), std::string(k), std::string(v));
  return out;
}

bool operator==(const SharedTags& a, const SharedTags& b) {
  if (a.same_object(b)) return true;
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    if (*i != *j) return false;
  }
  return true;
}

bool operator==(const SharedTags& a, const wire::Tags& b) {
  if (a.size() != b.size()) return false;
  auto j = b.begin();
  for (const auto& [k, v] : a) {
    if (k != j->first || v != j->second) return false;
    ++j;
  }
  return true;
}

}  // namespace wkd::serf
