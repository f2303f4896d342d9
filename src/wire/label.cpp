// Label header (type 244) encoding, stripping and checking; see label.hpp.
//
// The receive path mirrors memberlist HEAD: a datagram or stream that does
// not begin with 0xF4 carries the empty label; one that does must hold a
// length byte of at least 1 and that many label bytes. The label found is
// then compared byte for byte with the configured one. Labels are not
// otherwise interpreted (any bytes are allowed), and nothing here allocates
// on the receive path.
#include "wire/label.hpp"

#include <string>

namespace wkd::wire {

Status validate_label(std::string_view label) {
  if (label.size() > kMaxLabelSize) {
    return fail(Err::bad_label, "label of " + std::to_string(label.size()) +
                                    " bytes is longer than 255");
  }
  return {};
}

Result<Bytes> label_header(std::string_view label) {
  if (auto st = validate_label(label); !st) return std::move(st).failure();
  Bytes out;
  if (label.empty()) return out;
  out.reserve(label_overhead(label));
  out.push_back(kLabelType);
  out.push_back(static_cast<std::uint8_t>(label.size()));
  append(out, as_bytes(label));
  return out;
}

Result<Bytes> add_label(ByteView packet, std::string_view label) {
  auto header = label_header(label);
  if (!header) return header;
  Bytes out = std::move(header).value();
  out.reserve(out.size() + packet.size());
  append(out, packet);
  return out;
}

Result<LabelSplit> strip_label(ByteView packet) {
  LabelSplit out;
  out.rest = packet;
  if (packet.empty() || packet[0] != kLabelType) return out;
  if (packet.size() < 2) return fail(Err::bad_label, "label header cut short after 0xf4");
  const std::size_t size = packet[1];
  if (size == 0) return fail(Err::bad_label, "label header with an empty label");
  if (packet.size() < 2 + size) {
    return fail(Err::bad_label, "label header announces " + std::to_string(size) +
                                    " bytes, only " + std::to_string(packet.size() - 2) +
                                    " follow");
  }
  out.present = true;
  out.label = as_chars(packet.subspan(2, size));
  out.rest = packet.subspan(2 + size);
  return out;
}

Result<AcceptedLabel> accept_label(ByteView packet, std::string_view configured,
                                   bool skip_inbound_check) {
  auto split = strip_label(packet);
  if (!split) return std::move(split).failure();
  AcceptedLabel out{split->label, split->rest};
  if (skip_inbound_check) {
    if (split->present) {
      return fail(Err::bad_label, "label header received while inbound label checks are off");
    }
    out.label = configured;
    return out;
  }
  if (out.label != configured) {
    return fail(Err::label_mismatch, "received label \"" + std::string(out.label) +
                                         "\", configured \"" + std::string(configured) + "\"");
  }
  return out;
}

}  // namespace wkd::wire
