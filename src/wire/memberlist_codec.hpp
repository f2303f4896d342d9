// Encoding and decoding of memberlist message bodies (messages.hpp).
//
// Encoders write exactly what Go writes: a map with the Go field names as
// keys in byte order, omitempty fields of ping/indirect ping left out when
// zero, raw strings, and Go `int` fields in the chosen IntStyle. They refuse
// what would crash or confuse a Go peer: an Alive or PushNodeState without a
// well-formed 6-byte Vsn (Err::short_vsn / Err::bad_vsn), meta over 512
// bytes (Err::oversized), an address that is not 4 or 16 bytes
// (Err::bad_field).
//
// Decoders take a body *after* its type byte, accept map or array form,
// any str/bin/int form (msgpack.hpp), skip unknown keys, treat nil as absent,
// and ignore bytes after the object. They fail with Err::missing_field when
// an identifying field (sequence number, node name, incarnation, address) is
// absent, Err::bad_field when a value has the wrong type or range, and the
// Vsn errors above. The Reader& overloads leave the reader just after the
// object, for streams (push/pull) where objects follow each other.
#pragma once

#include <variant>

#include "common/bytes.hpp"
#include "wire/errors.hpp"
#include "wire/messages.hpp"
#include "wire/msgpack.hpp"

namespace wkd::wire {

// ---- bodies (msgpack object only) ----
Status encode_body(const Ping& m, msgpack::Writer& w);
Status encode_body(const IndirectPing& m, msgpack::Writer& w);
Status encode_body(const Ack& m, msgpack::Writer& w);
Status encode_body(const Nack& m, msgpack::Writer& w);
Status encode_body(const ErrResp& m, msgpack::Writer& w);
Status encode_body(const Suspect& m, msgpack::Writer& w);
Status encode_body(const Dead& m, msgpack::Writer& w);
Status encode_body(const Alive& m, msgpack::Writer& w);
Status encode_body(const PushPullHeader& m, msgpack::Writer& w);
Status encode_body(const PushNodeState& m, msgpack::Writer& w);
Status encode_body(const UserMsgHeader& m, msgpack::Writer& w);
Status encode_body(const Compress& m, msgpack::Writer& w);

// ---- whole messages: type byte + body ----
Result<Bytes> encode_message(const Ping& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const IndirectPing& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const Ack& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const Nack& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const ErrResp& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const Suspect& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const Dead& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const Alive& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_message(const Compress& m, IntStyle style = IntStyle::legacy);
// 0x06 ‖ header{Join, Nodes = nodes.size(), UserStateLen = user_state.size()}
// ‖ node states ‖ user state.
Result<Bytes> encode_message(const PushPull& m, IntStyle style = IntStyle::legacy);
// 0x08 ‖ header{UserMsgLen} ‖ payload: the TCP ("reliable") user message.
Bytes encode_stream_user_message(ByteView payload, IntStyle style = IntStyle::legacy);

// ---- decoders: body after the type byte ----
Result<Ping> decode_ping(msgpack::Reader& r);
Result<IndirectPing> decode_indirect_ping(msgpack::Reader& r);
Result<Ack> decode_ack(msgpack::Reader& r);
Result<Nack> decode_nack(msgpack::Reader& r);
Result<ErrResp> decode_err_resp(msgpack::Reader& r);
Result<Suspect> decode_suspect(msgpack::Reader& r);
Result<Dead> decode_dead(msgpack::Reader& r);
Result<Alive> decode_alive(msgpack::Reader& r);
Result<PushPullHeader> decode_push_pull_header(msgpack::Reader& r);
Result<PushNodeState> decode_push_node_state(msgpack::Reader& r);
Result<UserMsgHeader> decode_user_msg_header(msgpack::Reader& r);
Result<Compress> decode_compress(msgpack::Reader& r);

Result<Ping> decode_ping(ByteView body);
Result<IndirectPing> decode_indirect_ping(ByteView body);
Result<Ack> decode_ack(ByteView body);
Result<Nack> decode_nack(ByteView body);
Result<ErrResp> decode_err_resp(ByteView body);
Result<Suspect> decode_suspect(ByteView body);
Result<Dead> decode_dead(ByteView body);
Result<Alive> decode_alive(ByteView body);
Result<PushPullHeader> decode_push_pull_header(ByteView body);
Result<PushNodeState> decode_push_node_state(ByteView body);
Result<UserMsgHeader> decode_user_msg_header(ByteView body);
Result<Compress> decode_compress(ByteView body);

// Limits applied by decode_push_pull (memberlist HEAD's, docs/wire.md §4.5).
inline constexpr std::int64_t kMaxPushPullNodes = 1 << 20;
inline constexpr std::int64_t kMaxUserStateBytes = 20 * 1024 * 1024;

// A complete push/pull after its type byte (already decrypted and
// decompressed). Negative or over-limit counts are Err::bad_length /
// Err::oversized; fewer bytes than the header announces is Err::truncated.
// Bytes after the user state are ignored.
Result<PushPull> decode_push_pull(ByteView body);

// The messages a decoded packet part can hold once framing is stripped.
using MemberlistMessage =
    std::variant<Ping, IndirectPing, Ack, Suspect, Alive, Dead, Nack, ErrResp>;

// Decodes ping, indirect ping, ack, suspect, alive, dead, nack or err from a
// whole message (type byte first). Framing types (push/pull, compound, user,
// compress, encrypt, CRC, label) and unknown bytes are Err::unknown_type;
// an empty input is Err::truncated.
Result<MemberlistMessage> decode_message(ByteView message);

}  // namespace wkd::wire
