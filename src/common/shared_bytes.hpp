// SharedBytes: an immutable byte string that may be nil, shared by copies.
//
// One pointer wide (8 bytes, against 32 for std::optional<Bytes>), with an
// atomic count so copies may live on other threads. Copying shares the
// bytes; nothing ever changes them. The member table keeps node metadata
// this way: every record of a member, and every snapshot taken of it, hold
// the same bytes.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <utility>

#include "common/bytes.hpp"

namespace wkd {

class SharedBytes {
 public:
  SharedBytes() noexcept = default;  // nil
  SharedBytes(const std::optional<Bytes>& b) : rep_(b ? make(Bytes(*b)) : nullptr) {}  // NOLINT: implicit
  SharedBytes(std::optional<Bytes>&& b) : rep_(b ? make(std::move(*b)) : nullptr) {}  // NOLINT
  SharedBytes(Bytes b) : rep_(make(std::move(b))) {}  // NOLINT: implicit, never nil
  SharedBytes(std::nullopt_t) noexcept {}                     // NOLINT: implicit, nil

  SharedBytes(const SharedBytes& o) noexcept : rep_(o.rep_) {
    if (counted()) rep_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  SharedBytes(SharedBytes&& o) noexcept : rep_(std::exchange(o.rep_, nullptr)) {}
  SharedBytes& operator=(SharedBytes o) noexcept {
    std::swap(rep_, o.rep_);
    return *this;
  }
  ~SharedBytes() { release(); }

  bool has_value() const noexcept { return rep_ != nullptr; }
  explicit operator bool() const noexcept { return has_value(); }
  // Only when has_value().
  const Bytes& operator*() const noexcept { return rep_->bytes; }
  const Bytes* operator->() const noexcept { return &rep_->bytes; }
  // The bytes, empty when nil.
  ByteView view() const noexcept { return rep_ != nullptr ? ByteView(rep_->bytes) : ByteView(); }
  Bytes value_or(Bytes fallback) const { return rep_ != nullptr ? rep_->bytes : std::move(fallback); }
  // A copy as the wire codec's nil-able bytes.
  std::optional<Bytes> to_optional() const {
    return rep_ != nullptr ? std::optional<Bytes>(rep_->bytes) : std::nullopt;
  }
  operator std::optional<Bytes>() const { return to_optional(); }  // NOLINT: implicit
  // Whether both hold the very same bytes (a copy of the other).
  bool shares(const SharedBytes& o) const noexcept { return rep_ == o.rep_; }

  // Equal content; nil equals only nil.
  friend bool operator==(const SharedBytes& a, const SharedBytes& b) noexcept {
    if (a.rep_ == b.rep_) return true;
    if (a.rep_ == nullptr || b.rep_ == nullptr) return false;
    return a.rep_->bytes == b.rep_->bytes;
  }
  friend bool operator==(const SharedBytes& a, const std::optional<Bytes>& b) noexcept {
    if (!a.has_value() || !b.has_value()) return a.has_value() == b.has_value();
    return *a == *b;
  }

 private:
  struct Rep {
    std::atomic<std::uint32_t> refs;
    Bytes bytes;
  };
  // Empty bytes are one static, uncounted instance: a table of members
  // without metadata allocates nothing for it.
  static constinit inline Rep empty_{};
  static Rep* make(Bytes&& b) { return b.empty() ? &empty_ : new Rep{{1}, std::move(b)}; }
  bool counted() const noexcept { return rep_ != nullptr && rep_ != &empty_; }
  void release() noexcept {
    if (counted() && rep_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete rep_;
  }
  Rep* rep_ = nullptr;
};

}  // namespace wkd
