// Serf tags carried in memberlist node meta (docs/wire.md §11.1).
//
// Serf protocol >= 3 stores tags as 0xFF ‖ msgpack map[string]string; no
// tags gives `ff 80`. Older peers put a bare "role" string in meta instead,
// so any meta that is empty or doesn't start with 0xFF decodes as
// {"role": meta}. Go emits the map in random order; wkd sorts the keys so its
// own meta is deterministic. Meta is limited to 512 bytes on the sending side
// only (receivers don't check).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire {

using Tags = std::map<std::string, std::string>;

inline constexpr std::uint8_t kTagMagicByte = 0xff;

// 0xFF ‖ map with sorted keys. Over kMetaMaxSize (512) is Err::oversized,
// with a message giving the encoded size and the limit.
Result<Bytes> encode_tags(const Tags& tags);

// Inverse of encode_tags, plus the bare-role form. A 0xFF-prefixed meta whose
// map is malformed is Err::bad_tags.
Result<Tags> decode_tags(ByteView meta);

}  // namespace wkd::wire
