// memberlist message bodies <-> msgpack (docs/wire.md §3, §5.1).
//
// Encoders emit each struct as go-msgpack does: a map whose keys are the Go
// field names sorted by byte value (so "Addr" < "Incarnation" < "Meta" <
// "Node" < "Port" < "Vsn"), with omitempty fields of ping and indirect ping
// dropped when zero. Decoders list the Go fields in *declaration* order,
// because that order is what an array-form struct follows; map-form input
// is matched by name (struct_reader.hpp).
#include "wire/memberlist_codec.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "wire/struct_reader.hpp"

namespace wkd::wire {

namespace {

using detail::bit;
using detail::FieldMask;
using msgpack::Reader;
using msgpack::Writer;

// ---- shared encode helpers

Status check_addr_out(const Bytes& addr, std::string_view field, bool allow_empty) {
  return detail::check_ip(addr, field, allow_empty);
}

Status check_meta_out(const NilBytes& meta, std::string_view field) {
  if (meta && meta->size() > kMetaMaxSize) {
    return fail(Err::oversized, std::string(field) + " is " + std::to_string(meta->size()) +
                                    " bytes, limit " + std::to_string(kMetaMaxSize));
  }
  return {};
}

Status check_vsn_out(const std::optional<Vsn>& vsn, std::string_view field) {
  if (!vsn) {
    return fail(Err::short_vsn,
                std::string(field) + " is empty; every alive and node state must carry 6 bytes");
  }
  return check_vsn(*vsn, field);
}

void write_vsn(Writer& w, const Vsn& v) {
  const auto b = vsn_bytes(v);
  w.raw(ByteView(b.data(), b.size()));
}

template <class T>
Result<Bytes> encode_with_type(MsgType type, const T& m, IntStyle style) {
  Bytes out;
  // Pings, acks with a coordinate, suspicions and most alives fit: one
  // allocation instead of a doubling from one byte up.
  out.reserve(128);
  out.push_back(static_cast<std::uint8_t>(type));
  Writer w(out, style);
  if (auto st = encode_body(m, w); !st) return std::move(st).failure();
  return out;
}

// ---- shared decode helpers

Status read_vsn_into(Reader& r, std::string_view field, std::optional<Vsn>& out) {
  auto raw = r.read_bytes(field);
  if (!raw) return std::move(raw).failure();
  auto v = parse_vsn(*raw, field);
  if (!v) return std::move(v).failure();
  out = *v;
  return {};
}

Status read_nil_bytes_into(Reader& r, std::string_view field, NilBytes& out) {
  auto v = r.read_bytes(field);
  if (!v) return std::move(v).failure();
  out = std::move(*v);
  return {};
}

// Go field names in declaration order, with matching indices.
constexpr std::array<std::string_view, 5> kPingFields{"SeqNo", "Node", "SourceAddr", "SourcePort",
                                                      "SourceNode"};
constexpr std::array<std::string_view, 8> kIndirectFields{
    "SeqNo", "Target", "Port", "Node", "Nack", "SourceAddr", "SourcePort", "SourceNode"};
constexpr std::array<std::string_view, 2> kAckFields{"SeqNo", "Payload"};
constexpr std::array<std::string_view, 1> kNackFields{"SeqNo"};
constexpr std::array<std::string_view, 1> kErrFields{"Error"};
constexpr std::array<std::string_view, 3> kSuspectFields{"Incarnation", "Node", "From"};
constexpr std::array<std::string_view, 6> kAliveFields{"Incarnation", "Node", "Addr",
                                                       "Port",        "Meta", "Vsn"};
constexpr std::array<std::string_view, 3> kHeaderFields{"Nodes", "UserStateLen", "Join"};
constexpr std::array<std::string_view, 7> kNodeStateFields{"Name",        "Addr",  "Port", "Meta",
                                                           "Incarnation", "State", "Vsn"};
constexpr std::array<std::string_view, 1> kUserMsgFields{"UserMsgLen"};
constexpr std::array<std::string_view, 2> kCompressFields{"Algo", "Buf"};

// Suspect and dead share a layout.
template <class T>
Result<T> decode_accusation(Reader& r, std::string_view what) {
  T m;
  const std::string p(what);
  auto present = detail::read_struct(r, what, kSuspectFields, [&](std::size_t i) -> Status {
    switch (i) {
      case 0: return detail::read_uint_into(r, p + ".Incarnation", m.incarnation);
      case 1: return detail::read_str_into(r, p + ".Node", m.node);
      default: return detail::read_str_into(r, p + ".From", m.from);
    }
  });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, what, kSuspectFields, {0, 1}); !st) {
    return std::move(st).failure();
  }
  return m;
}

template <class T>
void encode_accusation(const T& m, Writer& w) {
  w.map_header(3);
  w.key("From");
  w.str(m.from);
  w.key("Incarnation");
  w.uint(m.incarnation);
  w.key("Node");
  w.str(m.node);
}

template <class T, class Decode>
Result<T> decode_body(ByteView body, Decode decode) {
  Reader r(body);
  return decode(r);
}

}  // namespace

const char* msg_type_name(MsgType t) noexcept {
  switch (t) {
    case MsgType::ping: return "ping";
    case MsgType::indirect_ping: return "indirect_ping";
    case MsgType::ack: return "ack";
    case MsgType::suspect: return "suspect";
    case MsgType::alive: return "alive";
    case MsgType::dead: return "dead";
    case MsgType::push_pull: return "push_pull";
    case MsgType::compound: return "compound";
    case MsgType::user: return "user";
    case MsgType::compress: return "compress";
    case MsgType::encrypt: return "encrypt";
    case MsgType::nack: return "nack";
    case MsgType::has_crc: return "has_crc";
    case MsgType::err: return "err";
    case MsgType::has_label: return "has_label";
  }
  return "unknown";
}

bool is_known_msg_type(std::uint8_t b) noexcept {
  return b <= static_cast<std::uint8_t>(MsgType::err) ||
         b == static_cast<std::uint8_t>(MsgType::has_label);
}

// ---------------------------------------------------------------- encoders

Status encode_body(const Ping& m, Writer& w) {
  if (auto st = check_addr_out(m.source_addr, "ping.SourceAddr", true); !st) return st;
  const bool has_addr = !m.source_addr.empty();
  const bool has_node = !m.source_node.empty();
  const bool has_port = m.source_port != 0;
  w.map_header(2u + has_addr + has_node + has_port);
  w.key("Node");
  w.str(m.node);
  w.key("SeqNo");
  w.uint(m.seq_no);
  if (has_addr) {
    w.key("SourceAddr");
    w.raw(m.source_addr);
  }
  if (has_node) {
    w.key("SourceNode");
    w.str(m.source_node);
  }
  if (has_port) {
    w.key("SourcePort");
    w.uint(m.source_port);
  }
  return {};
}

Status encode_body(const IndirectPing& m, Writer& w) {
  if (auto st = check_addr_out(m.target, "indirect_ping.Target", false); !st) return st;
  if (auto st = check_addr_out(m.source_addr, "indirect_ping.SourceAddr", true); !st) return st;
  const bool has_addr = !m.source_addr.empty();
  const bool has_node = !m.source_node.empty();
  const bool has_port = m.source_port != 0;
  w.map_header(5u + has_addr + has_node + has_port);
  w.key("Nack");
  w.boolean(m.nack);
  w.key("Node");
  w.str(m.node);
  w.key("Port");
  w.uint(m.port);
  w.key("SeqNo");
  w.uint(m.seq_no);
  if (has_addr) {
    w.key("SourceAddr");
    w.raw(m.source_addr);
  }
  if (has_node) {
    w.key("SourceNode");
    w.str(m.source_node);
  }
  if (has_port) {
    w.key("SourcePort");
    w.uint(m.source_port);
  }
  w.key("Target");
  w.raw(m.target);
  return {};
}

Status encode_body(const Ack& m, Writer& w) {
  w.map_header(2);
  w.key("Payload");
  w.raw_or_nil(m.payload ? ByteView(*m.payload) : ByteView(), !m.payload);
  w.key("SeqNo");
  w.uint(m.seq_no);
  return {};
}

Status encode_body(const Nack& m, Writer& w) {
  w.map_header(1);
  w.key("SeqNo");
  w.uint(m.seq_no);
  return {};
}

Status encode_body(const ErrResp& m, Writer& w) {
  w.map_header(1);
  w.key("Error");
  w.str(m.error);
  return {};
}

Status encode_body(const Suspect& m, Writer& w) {
  encode_accusation(m, w);
  return {};
}

Status encode_body(const Dead& m, Writer& w) {
  encode_accusation(m, w);
  return {};
}

Status encode_body(const Alive& m, Writer& w) {
  if (auto st = check_addr_out(m.addr, "alive.Addr", false); !st) return st;
  if (auto st = check_meta_out(m.meta, "alive.Meta"); !st) return st;
  if (auto st = check_vsn_out(m.vsn, "alive.Vsn"); !st) return st;
  w.map_header(6);
  w.key("Addr");
  w.raw(m.addr);
  w.key("Incarnation");
  w.uint(m.incarnation);
  w.key("Meta");
  w.raw_or_nil(m.meta ? ByteView(*m.meta) : ByteView(), !m.meta);
  w.key("Node");
  w.str(m.node);
  w.key("Port");
  w.uint(m.port);
  w.key("Vsn");
  write_vsn(w, *m.vsn);
  return {};
}

Status encode_body(const PushPullHeader& m, Writer& w) {
  w.map_header(3);
  w.key("Join");
  w.boolean(m.join);
  w.key("Nodes");
  w.sint(m.nodes);
  w.key("UserStateLen");
  w.sint(m.user_state_len);
  return {};
}

Status encode_body(const PushNodeState& m, Writer& w) {
  if (auto st = check_addr_out(m.addr, "push_node_state.Addr", false); !st) return st;
  if (auto st = check_meta_out(m.meta, "push_node_state.Meta"); !st) return st;
  if (auto st = check_vsn_out(m.vsn, "push_node_state.Vsn"); !st) return st;
  w.map_header(7);
  w.key("Addr");
  w.raw(m.addr);
  w.key("Incarnation");
  w.uint(m.incarnation);
  w.key("Meta");
  w.raw_or_nil(m.meta ? ByteView(*m.meta) : ByteView(), !m.meta);
  w.key("Name");
  w.str(m.name);
  w.key("Port");
  w.uint(m.port);
  w.key("State");
  w.sint(static_cast<std::int64_t>(m.state));
  w.key("Vsn");
  write_vsn(w, *m.vsn);
  return {};
}

Status encode_body(const UserMsgHeader& m, Writer& w) {
  w.map_header(1);
  w.key("UserMsgLen");
  w.sint(m.user_msg_len);
  return {};
}

Status encode_body(const Compress& m, Writer& w) {
  w.map_header(2);
  w.key("Algo");
  w.uint(m.algo);
  w.key("Buf");
  w.raw(m.buf);
  return {};
}

Result<Bytes> encode_message(const Ping& m, IntStyle style) {
  return encode_with_type(MsgType::ping, m, style);
}
Result<Bytes> encode_message(const IndirectPing& m, IntStyle style) {
  return encode_with_type(MsgType::indirect_ping, m, style);
}
Result<Bytes> encode_message(const Ack& m, IntStyle style) {
  return encode_with_type(MsgType::ack, m, style);
}
Result<Bytes> encode_message(const Nack& m, IntStyle style) {
  return encode_with_type(MsgType::nack, m, style);
}
Result<Bytes> encode_message(const ErrResp& m, IntStyle style) {
  return encode_with_type(MsgType::err, m, style);
}
Result<Bytes> encode_message(const Suspect& m, IntStyle style) {
  return encode_with_type(MsgType::suspect, m, style);
}
Result<Bytes> encode_message(const Dead& m, IntStyle style) {
  return encode_with_type(MsgType::dead, m, style);
}
Result<Bytes> encode_message(const Alive& m, IntStyle style) {
  return encode_with_type(MsgType::alive, m, style);
}
Result<Bytes> encode_message(const Compress& m, IntStyle style) {
  return encode_with_type(MsgType::compress, m, style);
}

Result<Bytes> encode_message(const PushPull& m, IntStyle style) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(MsgType::push_pull));
  Writer w(out, style);
  const PushPullHeader header{static_cast<std::int64_t>(m.nodes.size()),
                              static_cast<std::int64_t>(m.user_state.size()), m.join};
  if (auto st = encode_body(header, w); !st) return std::move(st).failure();
  for (const auto& n : m.nodes) {
    if (auto st = encode_body(n, w); !st) return std::move(st).failure();
  }
  append(out, m.user_state);
  return out;
}

Bytes encode_stream_user_message(ByteView payload, IntStyle style) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(MsgType::user));
  Writer w(out, style);
  (void)encode_body(UserMsgHeader{static_cast<std::int64_t>(payload.size())}, w);
  append(out, payload);
  return out;
}

// ---------------------------------------------------------------- decoders

Result<Ping> decode_ping(Reader& r) {
  Ping m;
  auto present = detail::read_struct(r, "ping", kPingFields, [&](std::size_t i) -> Status {
    switch (i) {
      case 0: return detail::read_uint_into(r, "ping.SeqNo", m.seq_no);
      case 1: return detail::read_str_into(r, "ping.Node", m.node);
      case 2: return detail::read_bytes_into(r, "ping.SourceAddr", m.source_addr);
      case 3: return detail::read_uint_into(r, "ping.SourcePort", m.source_port);
      default: return detail::read_str_into(r, "ping.SourceNode", m.source_node);
    }
  });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "ping", kPingFields, {0}); !st) {
    return std::move(st).failure();
  }
  if (auto st = detail::check_ip(m.source_addr, "ping.SourceAddr", true); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<IndirectPing> decode_indirect_ping(Reader& r) {
  IndirectPing m;
  auto present =
      detail::read_struct(r, "indirect_ping", kIndirectFields, [&](std::size_t i) -> Status {
        switch (i) {
          case 0: return detail::read_uint_into(r, "indirect_ping.SeqNo", m.seq_no);
          case 1: return detail::read_bytes_into(r, "indirect_ping.Target", m.target);
          case 2: return detail::read_uint_into(r, "indirect_ping.Port", m.port);
          case 3: return detail::read_str_into(r, "indirect_ping.Node", m.node);
          case 4: return detail::read_bool_into(r, "indirect_ping.Nack", m.nack);
          case 5: return detail::read_bytes_into(r, "indirect_ping.SourceAddr", m.source_addr);
          case 6: return detail::read_uint_into(r, "indirect_ping.SourcePort", m.source_port);
          default: return detail::read_str_into(r, "indirect_ping.SourceNode", m.source_node);
        }
      });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "indirect_ping", kIndirectFields, {0, 1}); !st) {
    return std::move(st).failure();
  }
  if (auto st = detail::check_ip(m.target, "indirect_ping.Target", false); !st) {
    return std::move(st).failure();
  }
  if (auto st = detail::check_ip(m.source_addr, "indirect_ping.SourceAddr", true); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<Ack> decode_ack(Reader& r) {
  Ack m;
  auto present = detail::read_struct(r, "ack", kAckFields, [&](std::size_t i) -> Status {
    if (i == 0) return detail::read_uint_into(r, "ack.SeqNo", m.seq_no);
    return read_nil_bytes_into(r, "ack.Payload", m.payload);
  });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "ack", kAckFields, {0}); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<Nack> decode_nack(Reader& r) {
  Nack m;
  auto present = detail::read_struct(r, "nack", kNackFields, [&](std::size_t) -> Status {
    return detail::read_uint_into(r, "nack.SeqNo", m.seq_no);
  });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "nack", kNackFields, {0}); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<ErrResp> decode_err_resp(Reader& r) {
  ErrResp m;
  auto present = detail::read_struct(r, "err", kErrFields, [&](std::size_t) -> Status {
    return detail::read_str_into(r, "err.Error", m.error);
  });
  if (!present) return std::move(present).failure();
  // An absent Error is an empty message, not a reason to lose the response.
  return m;
}

Result<Suspect> decode_suspect(Reader& r) { return decode_accusation<Suspect>(r, "suspect"); }

Result<Dead> decode_dead(Reader& r) { return decode_accusation<Dead>(r, "dead"); }

Result<Alive> decode_alive(Reader& r) {
  Alive m;
  auto present = detail::read_struct(r, "alive", kAliveFields, [&](std::size_t i) -> Status {
    switch (i) {
      case 0: return detail::read_uint_into(r, "alive.Incarnation", m.incarnation);
      case 1: return detail::read_str_into(r, "alive.Node", m.node);
      case 2: return detail::read_bytes_into(r, "alive.Addr", m.addr);
      case 3: return detail::read_uint_into(r, "alive.Port", m.port);
      case 4: return read_nil_bytes_into(r, "alive.Meta", m.meta);
      default: return read_vsn_into(r, "alive.Vsn", m.vsn);
    }
  });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "alive", kAliveFields, {0, 1, 2}); !st) {
    return std::move(st).failure();
  }
  if (auto st = detail::check_ip(m.addr, "alive.Addr", false); !st) return std::move(st).failure();
  return m;
}

Result<PushPullHeader> decode_push_pull_header(Reader& r) {
  PushPullHeader m;
  auto present =
      detail::read_struct(r, "push_pull_header", kHeaderFields, [&](std::size_t i) -> Status {
        switch (i) {
          case 0: {
            auto v = r.read_int("push_pull_header.Nodes");
            if (!v) return std::move(v).failure();
            m.nodes = *v;
            return {};
          }
          case 1: {
            auto v = r.read_int("push_pull_header.UserStateLen");
            if (!v) return std::move(v).failure();
            m.user_state_len = *v;
            return {};
          }
          default: return detail::read_bool_into(r, "push_pull_header.Join", m.join);
        }
      });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "push_pull_header", kHeaderFields, {0}); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<PushNodeState> decode_push_node_state(Reader& r) {
  PushNodeState m;
  auto present =
      detail::read_struct(r, "push_node_state", kNodeStateFields, [&](std::size_t i) -> Status {
        switch (i) {
          case 0: return detail::read_str_into(r, "push_node_state.Name", m.name);
          case 1: return detail::read_bytes_into(r, "push_node_state.Addr", m.addr);
          case 2: return detail::read_uint_into(r, "push_node_state.Port", m.port);
          case 3: return read_nil_bytes_into(r, "push_node_state.Meta", m.meta);
          case 4: return detail::read_uint_into(r, "push_node_state.Incarnation", m.incarnation);
          case 5: {
            // Go int; Go's merge ignores states it doesn't know, so any
            // small non-negative value is kept for the engine to judge.
            auto v = r.read_int("push_node_state.State", 0, 255);
            if (!v) return std::move(v).failure();
            m.state = static_cast<NodeState>(*v);
            return {};
          }
          default: return read_vsn_into(r, "push_node_state.Vsn", m.vsn);
        }
      });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "push_node_state", kNodeStateFields, {0, 1, 4});
      !st) {
    return std::move(st).failure();
  }
  if (auto st = detail::check_ip(m.addr, "push_node_state.Addr", false); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<UserMsgHeader> decode_user_msg_header(Reader& r) {
  UserMsgHeader m;
  auto present =
      detail::read_struct(r, "user_msg_header", kUserMsgFields, [&](std::size_t) -> Status {
        auto v = r.read_int("user_msg_header.UserMsgLen");
        if (!v) return std::move(v).failure();
        m.user_msg_len = *v;
        return {};
      });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "user_msg_header", kUserMsgFields, {0}); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<Compress> decode_compress(Reader& r) {
  Compress m;
  auto present = detail::read_struct(r, "compress", kCompressFields, [&](std::size_t i) -> Status {
    if (i == 0) return detail::read_uint_into(r, "compress.Algo", m.algo);
    return detail::read_bytes_into(r, "compress.Buf", m.buf);
  });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "compress", kCompressFields, {0, 1}); !st) {
    return std::move(st).failure();
  }
  return m;
}

Result<Ping> decode_ping(ByteView body) {
  return decode_body<Ping>(body, [](Reader& r) { return decode_ping(r); });
}
Result<IndirectPing> decode_indirect_ping(ByteView body) {
  return decode_body<IndirectPing>(body, [](Reader& r) { return decode_indirect_ping(r); });
}
Result<Ack> decode_ack(ByteView body) {
  return decode_body<Ack>(body, [](Reader& r) { return decode_ack(r); });
}
Result<Nack> decode_nack(ByteView body) {
  return decode_body<Nack>(body, [](Reader& r) { return decode_nack(r); });
}
Result<ErrResp> decode_err_resp(ByteView body) {
  return decode_body<ErrResp>(body, [](Reader& r) { return decode_err_resp(r); });
}
Result<Suspect> decode_suspect(ByteView body) {
  return decode_body<Suspect>(body, [](Reader& r) { return decode_suspect(r); });
}
Result<Dead> decode_dead(ByteView body) {
  return decode_body<Dead>(body, [](Reader& r) { return decode_dead(r); });
}
Result<Alive> decode_alive(ByteView body) {
  return decode_body<Alive>(body, [](Reader& r) { return decode_alive(r); });
}
Result<PushPullHeader> decode_push_pull_header(ByteView body) {
  return decode_body<PushPullHeader>(body, [](Reader& r) { return decode_push_pull_header(r); });
}
Result<PushNodeState> decode_push_node_state(ByteView body) {
  return decode_body<PushNodeState>(body, [](Reader& r) { return decode_push_node_state(r); });
}
Result<UserMsgHeader> decode_user_msg_header(ByteView body) {
  return decode_body<UserMsgHeader>(body, [](Reader& r) { return decode_user_msg_header(r); });
}
Result<Compress> decode_compress(ByteView body) {
  return decode_body<Compress>(body, [](Reader& r) { return decode_compress(r); });
}

Result<PushPull> decode_push_pull(ByteView body) {
  Reader r(body);
  auto header = decode_push_pull_header(r);
  if (!header) return std::move(header).failure();
  if (header->nodes < 0 || header->user_state_len < 0) {
    return fail(Err::bad_length, "push_pull_header: negative count (Nodes " +
                                     std::to_string(header->nodes) + ", UserStateLen " +
                                     std::to_string(header->user_state_len) + ")");
  }
  if (header->nodes > kMaxPushPullNodes) {
    return fail(Err::oversized, "push_pull_header.Nodes is " + std::to_string(header->nodes) +
                                    ", limit " + std::to_string(kMaxPushPullNodes));
  }
  if (header->user_state_len > kMaxUserStateBytes) {
    return fail(Err::oversized, "push_pull_header.UserStateLen is " +
                                    std::to_string(header->user_state_len) + ", limit " +
                                    std::to_string(kMaxUserStateBytes));
  }
  // Each node state takes at least one byte: a count the input cannot hold
  // is truncation, found before anything is reserved.
  if (static_cast<std::uint64_t>(header->nodes) > r.remaining()) {
    return fail(Err::truncated, "push_pull: header announces " + std::to_string(header->nodes) +
                                    " nodes, only " + std::to_string(r.remaining()) +
                                    " bytes follow");
  }
  PushPull out;
  out.join = header->join;
  out.nodes.reserve(static_cast<std::size_t>(header->nodes));
  for (std::int64_t i = 0; i < header->nodes; ++i) {
    auto n = decode_push_node_state(r);
    if (!n) {
      auto f = std::move(n).failure();
      f.message = "push_pull node " + std::to_string(i) + ": " + f.message;
      return f;
    }
    out.nodes.push_back(std::move(*n));
  }
  const auto want = static_cast<std::size_t>(header->user_state_len);
  if (r.remaining() < want) {
    return fail(Err::truncated, "push_pull: user state of " + std::to_string(want) +
                                    " bytes announced, " + std::to_string(r.remaining()) +
                                    " present");
  }
  const ByteView state = r.rest().first(want);
  out.user_state.assign(state.begin(), state.end());
  return out;
}

Result<MemberlistMessage> decode_message(ByteView message) {
  if (message.empty()) return fail(Err::truncated, "message: no type byte");
  const auto type = static_cast<MsgType>(message[0]);
  const ByteView body = message.subspan(1);
  auto lift = [](auto&& r) -> Result<MemberlistMessage> {
    if (!r) return std::move(r).failure();
    return MemberlistMessage(std::move(*r));
  };
  switch (type) {
    case MsgType::ping: return lift(decode_ping(body));
    case MsgType::indirect_ping: return lift(decode_indirect_ping(body));
    case MsgType::ack: return lift(decode_ack(body));
    case MsgType::suspect: return lift(decode_suspect(body));
    case MsgType::alive: return lift(decode_alive(body));
    case MsgType::dead: return lift(decode_dead(body));
    case MsgType::nack: return lift(decode_nack(body));
    case MsgType::err: return lift(decode_err_resp(body));
    default: break;
  }
  if (is_known_msg_type(message[0])) {
    return fail(Err::unknown_type, std::string("message type ") + msg_type_name(type) +
                                       " is framing, not a plain message");
  }
  return fail(Err::unknown_type, "message type " + std::to_string(message[0]) + " is unknown");
}

}  // namespace wkd::wire
