// Serf tags <-> node meta (see tags.hpp; docs/wire.md §11.1).
//
// Encoding writes the magic byte and a msgpack map of raw strings with keys
// in byte order. Decoding mirrors serf's decodeTags: anything that is not
// 0xFF-prefixed is the legacy bare role; otherwise the rest must be a map of
// strings (nil values read as ""), and any msgpack problem becomes
// Err::bad_tags so callers can count it apart from message-level errors.
#include "wire/tags.hpp"

#include <string>
#include <utility>

#include "wire/messages.hpp"
#include "wire/msgpack.hpp"
#include "wire/struct_reader.hpp"

namespace wkd::wire {

Result<Bytes> encode_tags(const Tags& tags) {
  Bytes out;
  out.push_back(kTagMagicByte);
  msgpack::Writer w(out);
  detail::write_string_map(w, tags);
  if (out.size() > kMetaMaxSize) {
    return fail(Err::oversized, "encoded tags are " + std::to_string(out.size()) +
                                    " bytes, node meta is limited to " +
                                    std::to_string(kMetaMaxSize));
  }
  return out;
}

Result<Tags> decode_tags(ByteView meta) {
  Tags tags;
  if (meta.empty() || meta[0] != kTagMagicByte) {
    tags.emplace("role", to_string(meta));
    return tags;
  }
  msgpack::Reader r(meta.subspan(1));
  if (r.at_end()) return fail(Err::bad_tags, "tags: magic byte without a map");
  if (auto st = detail::read_string_map(r, "tags", tags); !st) {
    return fail(Err::bad_tags, st.message() + " (" + err_name(st.code()) + ")");
  }
  return tags;
}

}  // namespace wkd::wire
