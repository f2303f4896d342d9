// A member's decoded tags, immutable and shared.
//
// Serf decodes a member's node meta into tags once, when the member joins
// or updates; the member table and every snapshot record built from it
// then hold the same map. A node of a 128-member cluster keeps one map per
// member instead of one per layer, and a snapshot record costs no copy of
// its tags. Tags are never changed in place: an update replaces the whole
// map, so a record taken earlier keeps the tags it was built with.
//
// Reads look like reads of a const wire::Tags (find, at, count, iteration,
// comparison with a map), so code that only reads tags does not care that
// they are shared. A default SharedTags is empty.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "wire/tags.hpp"

namespace wkd::serf {

class SharedTags {
 public:
  SharedTags() = default;
  explicit SharedTags(wire::Tags tags)
      : tags_(tags.empty() ? nullptr : std::make_shared<const wire::Tags>(std::move(tags))) {}

  const wire::Tags& get() const noexcept { return tags_ ? *tags_ : no_tags(); }
  const wire::Tags& operator*() const noexcept { return get(); }
  const wire::Tags* operator->() const noexcept { return &get(); }

  wire::Tags::const_iterator begin() const noexcept { return get().begin(); }
  wire::Tags::const_iterator end() const noexcept { return get().end(); }
  std::size_t size() const noexcept { return tags_ ? tags_->size() : 0; }
  bool empty() const noexcept { return size() == 0; }
  wire::Tags::const_iterator find(const std::string& key) const { return get().find(key); }
  std::size_t count(const std::string& key) const { return get().count(key); }
  // Throws std::out_of_range when `key` is absent, as std::map::at does.
  const std::string& at(const std::string& key) const { return get().at(key); }

  // Whether both hold the same map object (then their contents are equal
  // without comparing them).
  bool same_object(const SharedTags& o) const noexcept { return tags_ == o.tags_; }

  friend bool operator==(const SharedTags& a, const SharedTags& b) {
    return a.same_object(b) || a.get() == b.get();
  }
  friend bool operator==(const SharedTags& a, const wire::Tags& b) { return a.get() == b; }

 private:
  static const wire::Tags& no_tags() noexcept {
    static const wire::Tags kEmpty;
    return kEmpty;
  }
  std::shared_ptr<const wire::Tags> tags_;
};

}  // namespace wkd::serf
