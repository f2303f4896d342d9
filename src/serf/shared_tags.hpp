// A member's decoded tags, immutable, compact and shared.
//
// Serf decodes a member's node meta into tags once, when the member joins
// or updates; the member table and every snapshot record built from it
// then hold the same block. A node of a 128-member cluster keeps one block
// per member instead of one copy per layer, and a snapshot record costs no
// copy of its tags. Tags are never changed in place: an update replaces the
// whole block, so a record taken earlier keeps the tags it was built with.
//
// The block is one allocation: the entry table, then every key and value
// as NUL-terminated text, so each key and value is a std::string_view whose
// data() is a C string (the C API hands them out as they are). Three tags
// cost about 130 bytes, where a std::map of them costs about 350.
//
// Reads look like reads of a const map in key order (find, at, count,
// iteration over {key, value} pairs, comparison with a wire::Tags). A
// default SharedTags is empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string_view>
#include <utility>

#include "wire/tags.hpp"

namespace wkd::serf {

class SharedTags {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = SharedTags::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = value_type;

    const_iterator() = default;
    value_type operator*() const { return owner_->entry(index_); }
    const_iterator& operator++() {
      ++index_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++index_;
      return old;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.index_ == b.index_; }

   private:
    friend class SharedTags;
    const_iterator(const SharedTags* owner, std::size_t index) : owner_(owner), index_(index) {}
    const SharedTags* owner_ = nullptr;
    std::size_t index_ = 0;
  };

  SharedTags() = default;
  explicit SharedTags(const wire::Tags& tags);

  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, size()}; }
  std::size_t size() const noexcept;
  bool empty() const noexcept { return size() == 0; }

  // The entry of `key`, or end() when absent (binary search).
  const_iterator find(std::string_view key) const noexcept;
  std::size_t count(std::string_view key) const noexcept { return find(key) != end() ? 1 : 0; }
  // Throws std::out_of_range when `key` is absent, as std::map::at does.
  std::string_view at(std::string_view key) const;

  // A copy as a map (for code that builds messages or validates).
  wire::Tags to_map() const;

  // Whether both hold the same block (then their contents are equal
  // without comparing them).
  bool same_object(const SharedTags& o) const noexcept { return block_ == o.block_; }

  friend bool operator==(const SharedTags& a, const SharedTags& b);
  friend bool operator==(const SharedTags& a, const wire::Tags& b);

 private:
  value_type entry(std::size_t i) const noexcept;
  std::shared_ptr<const char[]> block_;
};

}  // namespace wkd::serf
