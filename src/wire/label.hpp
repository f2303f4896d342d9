// The label header (type 244, memberlist >= 0.3.0).
//
// A label keeps clusters that share a network apart (docs/wire.md §4.4):
//
//   0xF4 | len:u8 (1..255) | label bytes
//
// It is prepended to every UDP datagram, and written once by the dialer at
// the start of every TCP stream, when Config.Label is set. The receiver
// strips it and requires it to equal its own label (a packet without a
// header carries the empty label). With encryption the label is also the
// GCM additional data (UDP) or appended to it (TCP), so it is authenticated.
// In "skip inbound label check" mode a receiver expects no header at all and
// assumes its own label. A zero length is malformed. 244 cannot be confused
// with a message type or an encryption version byte (0/1). Debian serf 0.9.4
// (memberlist 0.2.2) does not understand labels: never set one towards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire {

inline constexpr std::uint8_t kLabelType = 0xF4;
inline constexpr std::size_t kMaxLabelSize = 255;

// Bytes the header adds to a packet: 0 without a label, else 2 + size.
constexpr std::size_t label_overhead(std::string_view label) noexcept {
  return label.empty() ? 0 : 2 + label.size();
}

// A label longer than 255 bytes is Err::bad_label (the empty label is valid
// and means "no label").
Status validate_label(std::string_view label);

// The header alone ([0xF4][len][label]); empty for the empty label. This is
// what a dialer writes at the start of a stream.
Result<Bytes> label_header(std::string_view label);

// [header][packet], or a copy of the packet for the empty label.
Result<Bytes> add_label(ByteView packet, std::string_view label);

struct LabelSplit {
  bool present = false;
  std::string_view label;  // view into the packet; empty when absent
  ByteView rest;           // what follows the header (the whole packet when absent)
};

// Removes a leading label header if there is one. Errors (Err::bad_label):
// a zero length, or a header cut short.
Result<LabelSplit> strip_label(ByteView packet);

struct AcceptedLabel {
  std::string_view label;  // the label in force: the AAD for decryption
  ByteView rest;
};

// Strips the header and checks it against the configured label, as
// memberlist's receive path does. Errors: malformed header (Err::bad_label),
// a different label, including a missing one when a label is configured
// (Err::label_mismatch). With skip_inbound_check the sender is expected to
// send no header: one is Err::bad_label, and `configured` is in force.
Result<AcceptedLabel> accept_label(ByteView packet, std::string_view configured,
                                   bool skip_inbound_check = false);

}  // namespace wkd::wire
