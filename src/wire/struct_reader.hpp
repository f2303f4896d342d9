// Decoding Go structs from msgpack, shared by the memberlist, serf and
// coordinate codecs (internal to src/wire).
//
// go-msgpack writes a struct as a map keyed by field name; either Go codec
// also reads a struct written as an array, positionally, in *declaration*
// order (docs/wire.md §2.2). read_struct() handles both: the caller lists the
// Go field names in declaration order and receives the index of each field
// whose value is next in the reader. Unknown keys and surplus array elements
// are skipped whatever their type, a nil value counts as "absent" (Go leaves
// the field zero) and the result is a bit set of the fields that were present,
// which require_fields() turns into Err::missing_field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wire/msgpack.hpp"

namespace wkd::wire::detail {

using FieldMask = std::uint32_t;

constexpr FieldMask bit(std::size_t index) noexcept { return FieldMask{1} << index; }

// fields: Go field names in declaration order (at most 32).
// on_field(index) must consume exactly one value and return Status.
template <class OnField>
Result<FieldMask> read_struct(msgpack::Reader& r, std::string_view struct_name,
                              std::span<const std::string_view> fields, OnField&& on_field) {
  auto hdr = r.read_struct_header(struct_name);
  if (!hdr) return std::move(hdr).failure();
  FieldMask present = 0;
  for (std::uint32_t i = 0; i < hdr->count; ++i) {
    std::size_t index = fields.size();  // "unknown"
    if (hdr->is_map) {
      auto key = r.read_raw(std::string(struct_name) + " key");
      if (!key) return std::move(key).failure();
      const std::string_view name = as_chars(*key);
      for (std::size_t f = 0; f < fields.size(); ++f) {
        if (fields[f] == name) {
          index = f;
          break;
        }
      }
    } else if (i < fields.size()) {
      index = i;
    }
    if (index == fields.size()) {
      if (auto st = r.skip(std::string(struct_name) + " unknown field"); !st) return st.failure();
      continue;
    }
    if (r.take_nil()) {
      present &= ~bit(index);  // a later nil wins over an earlier value, as in Go
      continue;
    }
    if (auto st = on_field(index); !st) return st.failure();
    present |= bit(index);
  }
  return present;
}

// Err::missing_field naming the first required field not in present.
inline Status require_fields(FieldMask present, std::string_view struct_name,
                             std::span<const std::string_view> fields,
                             std::initializer_list<std::size_t> required) {
  for (std::size_t index : required) {
    if ((present & bit(index)) == 0) {
      return fail(Err::missing_field,
                  std::string(struct_name) + "." + std::string(fields[index]) + " is missing");
    }
  }
  return {};
}

// Assigns a checked unsigned value to an integer field of type T.
template <class T>
Status read_uint_into(msgpack::Reader& r, std::string_view field, T& out) {
  auto v = r.read_uint(field, static_cast<std::uint64_t>(static_cast<T>(~T{0})));
  if (!v) return std::move(v).failure();
  out = static_cast<T>(*v);
  return {};
}

inline Status read_str_into(msgpack::Reader& r, std::string_view field, std::string& out) {
  auto v = r.read_str(field);
  if (!v) return std::move(v).failure();
  out = std::move(*v);
  return {};
}

inline Status read_bytes_into(msgpack::Reader& r, std::string_view field, Bytes& out) {
  auto v = r.read_bytes(field);
  if (!v) return std::move(v).failure();
  out = std::move(*v);
  return {};
}

inline Status read_bool_into(msgpack::Reader& r, std::string_view field, bool& out) {
  auto v = r.read_bool(field);
  if (!v) return std::move(v).failure();
  out = *v;
  return {};
}

// An IP address field: empty (when allow_empty), 4 or 16 bytes.
inline Status check_ip(const Bytes& ip, std::string_view field, bool allow_empty) {
  if ((ip.empty() && allow_empty) || ip.size() == 4 || ip.size() == 16) return {};
  return fail(Err::bad_field, std::string(field) + ": " + std::to_string(ip.size()) +
                                  "-byte address, expected 4 or 16 bytes");
}

// Go []string: an array of strings, nil = empty, nil elements = "".
inline Status read_string_list(msgpack::Reader& r, std::string_view field,
                               std::vector<std::string>& out) {
  out.clear();
  if (r.take_nil()) return {};
  auto n = r.read_array_header(field);
  if (!n) return std::move(n).failure();
  out.reserve(*n);
  for (std::uint32_t i = 0; i < *n; ++i) {
    if (r.take_nil()) {
      out.emplace_back();
      continue;
    }
    auto s = r.read_str(field);
    if (!s) return std::move(s).failure();
    out.push_back(std::move(*s));
  }
  return {};
}

// Go map[string]V: nil = empty; read_value(key) consumes one value. A later
// duplicate key wins, as in Go.
template <class ReadValue>
Status read_string_keyed_map(msgpack::Reader& r, std::string_view field, ReadValue&& read_value) {
  if (r.take_nil()) return {};
  auto n = r.read_map_header(field);
  if (!n) return std::move(n).failure();
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto key = r.read_str(std::string(field) + " key");
    if (!key) return std::move(key).failure();
    if (auto st = read_value(std::move(*key)); !st) return st;
  }
  return {};
}

// Go map[string]string (serf tags).
inline Status read_string_map(msgpack::Reader& r, std::string_view field,
                              std::map<std::string, std::string>& out) {
  out.clear();
  return read_string_keyed_map(r, field, [&](std::string key) -> Status {
    std::string value;
    if (!r.take_nil()) {
      auto v = r.read_str(field);
      if (!v) return std::move(v).failure();
      value = std::move(*v);
    }
    out.insert_or_assign(std::move(key), std::move(value));
    return {};
  });
}

// Writes a string map with keys in byte order (std::map order: char_traits
// compares as unsigned char).
inline void write_string_map(msgpack::Writer& w, const std::map<std::string, std::string>& m) {
  w.map_header(static_cast<std::uint32_t>(m.size()));
  for (const auto& [k, v] : m) {
    w.str(k);
    w.str(v);
  }
}

}  // namespace wkd::wire::detail
