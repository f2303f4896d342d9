// Expected failures without exceptions: Status<E> and Result<T, E>.
//
// E is a layer's error enum (wire::Err, swim::Err, ...). A failure carries the
// code, which callers branch on and count, and a message naming what was
// wrong, which goes into logs and wkd_error.message. Success carries nothing
// (Status) or a value (Result). Exceptions are kept for bugs and allocation
// failure and are caught at the C ABI.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace wkd {

template <class E>
struct Failure {
  E code;
  std::string message;
};

template <class E>
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Failure<E> f) : failure_(std::move(f)) {}  // NOLINT(google-explicit-constructor)

  static Status fail(E code, std::string message) { return Status(Failure<E>{code, std::move(message)}); }

  bool ok() const noexcept { return !failure_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  E code() const noexcept {
    assert(!ok());
    return failure_->code;
  }
  const std::string& message() const noexcept {
    static const std::string kEmpty;
    return ok() ? kEmpty : failure_->message;
  }
  const Failure<E>& failure() const& { return *failure_; }
  Failure<E>&& failure() && { return std::move(*failure_); }

 private:
  std::optional<Failure<E>> failure_;
};

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Failure<E> f) : v_(std::in_place_index<1>, std::move(f)) {}  // NOLINT

  static Result fail(E code, std::string message) { return Result(Failure<E>{code, std::move(message)}); }

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  E code() const noexcept {
    assert(!ok());
    return std::get<1>(v_).code;
  }
  const std::string& message() const noexcept {
    static const std::string kEmpty;
    return ok() ? kEmpty : std::get<1>(v_).message;
  }
  const Failure<E>& failure() const& { return std::get<1>(v_); }
  Failure<E>&& failure() && { return std::get<1>(std::move(v_)); }
  Status<E> status() const { return ok() ? Status<E>() : Status<E>(failure()); }

 private:
  std::variant<T, Failure<E>> v_;
};

}  // namespace wkd
