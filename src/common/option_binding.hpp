// Binds rows of the option table (option_table.hpp) to the fields of a
// configuration struct, so that a struct takes its preset values from the
// table and a caller sets a field by option key, with one list per struct
// saying which field an option is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/option_table.hpp"
#include "common/time.hpp"

namespace wkd::options {

// One option bound to one field of C; exactly one member pointer is set.
template <class C>
struct Binding {
  Key key;
  Duration C::*millis = nullptr;   // INT option in milliseconds
  int C::*integer = nullptr;       // INT option
  std::size_t C::*size = nullptr;  // INT option, a count of bytes or items
  bool C::*flag = nullptr;         // BOOL option

  static constexpr Binding ms(Key k, Duration C::*f) { return {k, f, nullptr, nullptr, nullptr}; }
  static constexpr Binding num(Key k, int C::*f) { return {k, nullptr, f, nullptr, nullptr}; }
  static constexpr Binding bytes(Key k, std::size_t C::*f) { return {k, nullptr, nullptr, f, nullptr}; }
  static constexpr Binding boolean(Key k, bool C::*f) { return {k, nullptr, nullptr, nullptr, f}; }

  void set(C& c, std::int64_t v) const {
    if (millis != nullptr) c.*millis = milliseconds(v);
    if (integer != nullptr) c.*integer = static_cast<int>(v);
    if (size != nullptr) c.*size = static_cast<std::size_t>(v);
    if (flag != nullptr) c.*flag = v != 0;
  }
};

// Sets the field bound to k; false when no binding of the list has k.
template <class C, std::size_t N>
bool set_bound(C& c, const Binding<C> (&list)[N], Key k, std::int64_t v) {
  for (const Binding<C>& b : list) {
    if (b.key == k) {
      b.set(c, v);
      return true;
    }
  }
  return false;
}

// Sets every bound field to its value under preset p.
template <class C, std::size_t N>
void apply_preset(C& c, const Binding<C> (&list)[N], Preset p) {
  for (const Binding<C>& b : list) b.set(c, preset_value(b.key, p));
}

// "" or "<name> must be in [min, max]" for the first integer field (int or
// size) outside its option's bounds.
template <class C, std::size_t N>
std::string check_bounds(const C& c, const Binding<C> (&list)[N]) {
  for (const Binding<C>& b : list) {
    std::int64_t v = 0;
    if (b.integer != nullptr) {
      v = c.*b.integer;
    } else if (b.size != nullptr) {
      v = static_cast<std::int64_t>(c.*b.size);
    } else {
      continue;
    }
    const Row& r = row(b.key);
    if (v < r.min || v > r.max) {
      return std::string(r.name) + " must be in [" + std::to_string(r.min) + ", " + std::to_string(r.max) + "]";
    }
  }
  return "";
}

}  // namespace wkd::options
