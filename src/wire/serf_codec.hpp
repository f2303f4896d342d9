// Encoding and decoding of serf messages (serf_messages.hpp).
//
// A "serf message" here is `serfType ‖ msgpack(body)`. Inside a memberlist
// user message it is prefixed by 0x08 (to_user_message); as push/pull user
// state it is the whole state; as a query payload (key request) or response
// payload (conflict, key response) it is the whole payload.
//
// Encoders follow go-msgpack (sorted keys, raw strings, IntStyle for the Go
// int fields) and refuse what Debian serf would choke on: an empty query
// filter entry (Err::empty_filter) and addresses that are not 4 or 16 bytes
// (Err::bad_field). Decoders accept map or array form, skip unknown keys and
// reject missing identifying fields (Err::missing_field), ill-typed values
// (Err::bad_field), empty filter entries (Err::empty_filter) and, in
// decode_serf_message, types that are not gossip messages (Err::unknown_type).
#pragma once

#include "common/bytes.hpp"
#include "wire/errors.hpp"
#include "wire/msgpack.hpp"
#include "wire/serf_messages.hpp"

namespace wkd::wire {

// ---- framing ----

// 0x08 ‖ serf_message: a memberlist user message carrying a serf message.
Bytes to_user_message(ByteView serf_message);

struct SerfFrame {
  SerfType type;
  ByteView body;  // msgpack after the type byte
};

// Splits serfType ‖ body. Empty input is Err::truncated; a type byte above 9
// is Err::unknown_type.
Result<SerfFrame> split_serf_message(ByteView serf_message);

// ---- whole serf messages: serfType ‖ body ----
Result<Bytes> encode_serf_message(const SerfLeave& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfJoin& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfPushPull& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfUserEvent& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfQuery& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfQueryResponse& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfConflictResponse& m,
                                  IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfKeyRequest& m, IntStyle style = IntStyle::legacy);
Result<Bytes> encode_serf_message(const SerfKeyResponse& m, IntStyle style = IntStyle::legacy);
// 0x09 ‖ header ‖ inner (inner must be a non-empty serf message).
Result<Bytes> encode_serf_message(const SerfRelay& m, IntStyle style = IntStyle::legacy);

// ---- bodies (msgpack only), for embedding and tests ----
Status encode_serf_body(const SerfLeave& m, msgpack::Writer& w);
Status encode_serf_body(const SerfJoin& m, msgpack::Writer& w);
Status encode_serf_body(const SerfPushPull& m, msgpack::Writer& w);
Status encode_serf_body(const SerfUserEvent& m, msgpack::Writer& w);
Status encode_serf_body(const SerfQuery& m, msgpack::Writer& w);
Status encode_serf_body(const SerfQueryResponse& m, msgpack::Writer& w);
Status encode_serf_body(const SerfConflictResponse& m, msgpack::Writer& w);  // Member or c0
Status encode_serf_body(const SerfKeyRequest& m, msgpack::Writer& w);
Status encode_serf_body(const SerfKeyResponse& m, msgpack::Writer& w);
Status encode_serf_body(const SerfRelayHeader& m, msgpack::Writer& w);

// One query filter entry: filterType ‖ msgpack.
Result<Bytes> encode_query_filter(const QueryFilter& f);
// Parses one entry; empty is Err::empty_filter.
Result<QueryFilter> decode_query_filter(ByteView entry);

// ---- decoders: body after the serf type byte ----
Result<SerfLeave> decode_serf_leave(ByteView body);
Result<SerfJoin> decode_serf_join(ByteView body);
Result<SerfPushPull> decode_serf_push_pull(ByteView body);
Result<SerfUserEvent> decode_serf_user_event(ByteView body);
Result<SerfQuery> decode_serf_query(ByteView body);
Result<SerfQueryResponse> decode_serf_query_response(ByteView body);
Result<SerfConflictResponse> decode_serf_conflict_response(ByteView body);
Result<SerfKeyRequest> decode_serf_key_request(ByteView body);
Result<SerfKeyResponse> decode_serf_key_response(ByteView body);
Result<SerfRelayHeader> decode_serf_relay_header(msgpack::Reader& r);
// Header, then the rest as the inner message (must be non-empty).
Result<SerfRelay> decode_serf_relay(ByteView body);

// A serf message received as a memberlist user message (after the 0x08):
// leave, join, user event, query, query response or relay. Push/pull and the
// payload-only types 6..8 are Err::unknown_type here, as in serf.
Result<SerfMessage> decode_serf_message(ByteView serf_message);

}  // namespace wkd::wire
