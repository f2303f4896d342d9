// Compound message (type 7) encoding and decoding; see compound.hpp.
//
// Encoding writes the header and length table, then the parts, after
// validating every part first so a rejected set leaves nothing half-built.
// Decoding reads the count and the length table (any zero length rejects the
// whole compound), then slices the parts in order and stops at the first one
// that does not fit: that part and all later ones are counted as truncated,
// the earlier ones are returned.
#include "wire/compound.hpp"

#include <algorithm>
#include <string>

namespace wkd::wire {

namespace {

Status check_parts(std::span<const ByteView> parts) {
  if (parts.empty()) return fail(Err::bad_length, "a compound needs at least one part");
  if (parts.size() > kMaxCompoundParts) {
    return fail(Err::bad_length, "a compound holds at most 255 parts, got " +
                                     std::to_string(parts.size()));
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) {
      return fail(Err::empty_part, "compound part " + std::to_string(i) + " is empty");
    }
    if (parts[i].size() > kMaxCompoundPartSize) {
      return fail(Err::oversized, "compound part " + std::to_string(i) + " has " +
                                      std::to_string(parts[i].size()) +
                                      " bytes, more than a u16 length can describe");
    }
  }
  return {};
}

}  // namespace

Result<Bytes> encode_compound(std::span<const ByteView> parts) {
  if (auto st = check_parts(parts); !st) return std::move(st).failure();
  std::size_t payload = 0;
  for (ByteView p : parts) payload += p.size();
  Bytes out;
  out.reserve(compound_size(parts.size(), payload));
  out.push_back(kCompoundType);
  out.push_back(static_cast<std::uint8_t>(parts.size()));
  for (ByteView p : parts) put_be16(out, static_cast<std::uint16_t>(p.size()));
  for (ByteView p : parts) append(out, p);
  return out;
}

Result<std::vector<Bytes>> encode_compounds(std::span<const ByteView> parts) {
  if (parts.empty()) return fail(Err::bad_length, "no parts to put in a compound");
  std::vector<Bytes> out;
  out.reserve((parts.size() + kMaxCompoundParts - 1) / kMaxCompoundParts);
  for (std::size_t at = 0; at < parts.size(); at += kMaxCompoundParts) {
    const std::size_t n = std::min(kMaxCompoundParts, parts.size() - at);
    auto one = encode_compound(parts.subspan(at, n));
    if (!one) return std::move(one).failure();
    out.push_back(std::move(one).value());
  }
  return out;
}

Result<CompoundParts> decode_compound(ByteView body) {
  if (body.empty()) return fail(Err::truncated, "compound without a part count");
  const std::size_t count = body[0];
  const std::size_t table = 1 + 2 * count;
  if (body.size() < table) {
    return fail(Err::truncated, "compound announces " + std::to_string(count) +
                                    " parts but its length table is cut short");
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (get_be16(body.data() + 1 + 2 * i) == 0) {
      return fail(Err::empty_part, "compound part " + std::to_string(i) + " has length 0");
    }
  }
  CompoundParts out;
  out.parts.reserve(count);
  std::size_t at = table;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t len = get_be16(body.data() + 1 + 2 * i);
    if (body.size() - at < len) {
      out.truncated = count - i;
      break;
    }
    out.parts.push_back(body.subspan(at, len));
    at += len;
  }
  return out;
}

}  // namespace wkd::wire
