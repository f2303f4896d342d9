// NameIndex: the member table's lookup by name, as one flat array of
// NodeInfo pointers (open addressing, linear probing, backward-shift
// deletion). The name lives only in the NodeInfo, so an entry costs one
// pointer (8 bytes at a load of at most 3/4) instead of a hash-map node
// holding a second copy of the name (about 64 bytes): at 10,000 members on
// each of 10,000 simulated nodes that difference alone is 5 GB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "swim/node_state.hpp"

namespace wkd::swim {

class NameIndex {
 public:
  // The member named `name`, or null.
  NodeInfo* find(std::string_view name) const noexcept;
  // Adds `node` under node->name; the name must not be indexed yet and must
  // not change while it is.
  void insert(NodeInfo* node);
  // Removes the member named `name`; false if there was none.
  bool erase(std::string_view name) noexcept;
  // Makes room for `n` members in all without growing again.
  void reserve(std::size_t n);
  std::size_t size() const noexcept { return size_; }
  // Bytes of the slot array (for memory accounting in benchmarks).
  std::size_t capacity_bytes() const noexcept { return slots_.capacity() * sizeof(NodeInfo*); }

 private:
  static std::size_t hash(std::string_view name) noexcept;
  std::size_t home(std::string_view name) const noexcept { return hash(name) & (slots_.size() - 1); }
  void rehash(std::size_t slot_count);

  std::vector<NodeInfo*> slots_;  // size a power of two, or empty
  std::size_t size_ = 0;
};

}  // namespace wkd::swim
