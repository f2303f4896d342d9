// Serf message bodies <-> msgpack (docs/wire.md §11.2, §11.3).
//
// Same rules as the memberlist codec: maps with Go field names in byte order
// on output, map or positional-array input matched against the Go
// declaration order, unknown keys skipped, nil = absent. Three serf-specific
// points:
//  * query filters are [][]byte whose entries are themselves
//    `filterType ‖ msgpack`; an empty entry crashes Debian serf (it reads
//    filter[0]), so it is an error both ways (Err::empty_filter);
//  * Go `int` fields (query Timeout, member Status, relay DestAddr.Port) follow
//    the writer's IntStyle, every other integer is unsigned;
//  * a relay is 0x09 ‖ relayHeader ‖ the complete inner serf message, which
//    the relay node forwards untouched.
#include "wire/serf_codec.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "wire/struct_reader.hpp"

namespace wkd::wire {

namespace {

using msgpack::Reader;
using msgpack::Writer;

constexpr std::array<std::string_view, 3> kLeaveFields{"LTime", "Node", "Prune"};
constexpr std::array<std::string_view, 2> kJoinFields{"LTime", "Node"};
constexpr std::array<std::string_view, 6> kPushPullFields{
    "LTime", "StatusLTimes", "LeftMembers", "EventLTime", "Events", "QueryLTime"};
constexpr std::array<std::string_view, 2> kEventsFields{"LTime", "Events"};
constexpr std::array<std::string_view, 2> kEventFields{"Name", "Payload"};
constexpr std::array<std::string_view, 4> kUserEventFields{"LTime", "Name", "Payload", "CC"};
constexpr std::array<std::string_view, 11> kQueryFields{
    "LTime", "ID",          "Addr",    "Port", "SourceNode", "Filters",
    "Flags", "RelayFactor", "Timeout", "Name", "Payload"};
constexpr std::array<std::string_view, 5> kResponseFields{"LTime", "ID", "From", "Flags",
                                                          "Payload"};
constexpr std::array<std::string_view, 11> kMemberFields{
    "Name",        "Addr",        "Port",        "Tags",        "Status",     "ProtocolMin",
    "ProtocolMax", "ProtocolCur", "DelegateMin", "DelegateMax", "DelegateCur"};
constexpr std::array<std::string_view, 1> kKeyRequestFields{"Key"};
constexpr std::array<std::string_view, 4> kKeyResponseFields{"Result", "Message", "Keys",
                                                             "PrimaryKey"};
constexpr std::array<std::string_view, 2> kRelayFields{"DestAddr", "DestName"};
constexpr std::array<std::string_view, 3> kUdpAddrFields{"IP", "Port", "Zone"};
constexpr std::array<std::string_view, 2> kTagFilterFields{"Tag", "Expr"};

void write_nil_bytes(Writer& w, const NilBytes& b) {
  w.raw_or_nil(b ? ByteView(*b) : ByteView(), !b);
}

Status read_nil_bytes_into(Reader& r, std::string_view field, NilBytes& out) {
  auto v = r.read_bytes(field);
  if (!v) return std::move(v).failure();
  out = std::move(*v);
  return {};
}

Status read_ltime(Reader& r, std::string_view field, LamportTime& out) {
  return detail::read_uint_into(r, field, out);
}

// Runs read_struct and require_fields in one go.
template <std::size_t N, class OnField>
Status read_fields(Reader& r, std::string_view what, const std::array<std::string_view, N>& fields,
                   std::initializer_list<std::size_t> required, OnField&& on_field) {
  auto present = detail::read_struct(r, what, fields, std::forward<OnField>(on_field));
  if (!present) return std::move(present).failure();
  return detail::require_fields(*present, what, fields, required);
}

template <class T, class Decode>
Result<T> decode_with(ByteView body, Decode&& decode) {
  Reader r(body);
  T m;
  if (auto st = decode(r, m); !st) return std::move(st).failure();
  return m;
}

template <class T>
Result<Bytes> encode_with_type(SerfType type, const T& m, IntStyle style) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(type));
  Writer w(out, style);
  if (auto st = encode_serf_body(m, w); !st) return std::move(st).failure();
  return out;
}

// ---- pieces of push/pull

void write_event_slot(Writer& w, const SerfEventSlot& slot) {
  w.map_header(2);
  w.key("Events");
  w.array_header(static_cast<std::uint32_t>(slot.events.size()));
  for (const auto& e : slot.events) {
    w.map_header(2);
    w.key("Name");
    w.str(e.name);
    w.key("Payload");
    write_nil_bytes(w, e.payload);
  }
  w.key("LTime");
  w.uint(slot.ltime);
}

Status read_event_entry(Reader& r, SerfEventEntry& e) {
  return read_fields(r, "push_pull.Events.Events", kEventFields, {}, [&](std::size_t i) -> Status {
    if (i == 0) return detail::read_str_into(r, "push_pull event.Name", e.name);
    return read_nil_bytes_into(r, "push_pull event.Payload", e.payload);
  });
}

Status read_event_slot(Reader& r, SerfEventSlot& slot) {
  return read_fields(r, "push_pull.Events", kEventsFields, {}, [&](std::size_t i) -> Status {
    if (i == 0) return read_ltime(r, "push_pull.Events.LTime", slot.ltime);
    auto n = r.read_array_header("push_pull.Events.Events");
    if (!n) return std::move(n).failure();
    slot.events.assign(*n, SerfEventEntry{});
    for (auto& e : slot.events) {
      if (r.take_nil()) continue;
      if (auto st = read_event_entry(r, e); !st) return st;
    }
    return {};
  });
}

// ---- query filters

Status read_query_filters(Reader& r, std::vector<QueryFilter>& out) {
  auto n = r.read_array_header("query.Filters");
  if (!n) return std::move(n).failure();
  out.clear();
  out.reserve(*n);
  for (std::uint32_t i = 0; i < *n; ++i) {
    Bytes entry;
    if (!r.take_nil()) {
      auto b = r.read_bytes("query.Filters");
      if (!b) return std::move(b).failure();
      entry = std::move(*b);
    }
    auto f = decode_query_filter(entry);
    if (!f) {
      auto failure = std::move(f).failure();
      failure.message = "query.Filters[" + std::to_string(i) + "]: " + failure.message;
      return failure;
    }
    out.push_back(std::move(*f));
  }
  return {};
}

// ---- member (conflict response)

Status write_member(Writer& w, const SerfMember& m) {
  if (auto st = detail::check_ip(m.addr, "member.Addr", true); !st) return st;
  w.map_header(11);
  w.key("Addr");
  // Go net.IP: nil encodes as c0.
  w.raw_or_nil(m.addr, m.addr.empty());
  w.key("DelegateCur");
  w.uint(m.delegate_cur);
  w.key("DelegateMax");
  w.uint(m.delegate_max);
  w.key("DelegateMin");
  w.uint(m.delegate_min);
  w.key("Name");
  w.str(m.name);
  w.key("Port");
  w.uint(m.port);
  w.key("ProtocolCur");
  w.uint(m.protocol_cur);
  w.key("ProtocolMax");
  w.uint(m.protocol_max);
  w.key("ProtocolMin");
  w.uint(m.protocol_min);
  w.key("Status");
  w.sint(static_cast<std::int64_t>(m.status));
  w.key("Tags");
  detail::write_string_map(w, m.tags);
  return {};
}

Status read_member(Reader& r, SerfMember& m) {
  auto st = read_fields(r, "member", kMemberFields, {0}, [&](std::size_t i) -> Status {
    switch (i) {
      case 0: return detail::read_str_into(r, "member.Name", m.name);
      case 1: return detail::read_bytes_into(r, "member.Addr", m.addr);
      case 2: return detail::read_uint_into(r, "member.Port", m.port);
      case 3: return detail::read_string_map(r, "member.Tags", m.tags);
      case 4: {
        auto v = r.read_int("member.Status", 0, 255);
        if (!v) return std::move(v).failure();
        m.status = static_cast<SerfMemberStatus>(*v);
        return {};
      }
      case 5: return detail::read_uint_into(r, "member.ProtocolMin", m.protocol_min);
      case 6: return detail::read_uint_into(r, "member.ProtocolMax", m.protocol_max);
      case 7: return detail::read_uint_into(r, "member.ProtocolCur", m.protocol_cur);
      case 8: return detail::read_uint_into(r, "member.DelegateMin", m.delegate_min);
      case 9: return detail::read_uint_into(r, "member.DelegateMax", m.delegate_max);
      default: return detail::read_uint_into(r, "member.DelegateCur", m.delegate_cur);
    }
  });
  if (!st) return st;
  return detail::check_ip(m.addr, "member.Addr", true);
}

}  // namespace

const char* serf_type_name(SerfType t) noexcept {
  switch (t) {
    case SerfType::leave: return "leave";
    case SerfType::join: return "join";
    case SerfType::push_pull: return "push_pull";
    case SerfType::user_event: return "user_event";
    case SerfType::query: return "query";
    case SerfType::query_response: return "query_response";
    case SerfType::conflict_response: return "conflict_response";
    case SerfType::key_request: return "key_request";
    case SerfType::key_response: return "key_response";
    case SerfType::relay: return "relay";
  }
  return "unknown";
}

// ---------------------------------------------------------------- framing

Bytes to_user_message(ByteView serf_message) {
  Bytes out;
  out.reserve(serf_message.size() + 1);
  out.push_back(static_cast<std::uint8_t>(MsgType::user));
  append(out, serf_message);
  return out;
}

Result<SerfFrame> split_serf_message(ByteView serf_message) {
  if (serf_message.empty()) return fail(Err::truncated, "serf message: no type byte");
  if (serf_message[0] > static_cast<std::uint8_t>(SerfType::relay)) {
    return fail(Err::unknown_type,
                "serf message type " + std::to_string(serf_message[0]) + " is unknown");
  }
  return SerfFrame{static_cast<SerfType>(serf_message[0]), serf_message.subspan(1)};
}

// ---------------------------------------------------------------- encoders

Status encode_serf_body(const SerfLeave& m, Writer& w) {
  w.map_header(3);
  w.key("LTime");
  w.uint(m.ltime);
  w.key("Node");
  w.str(m.node);
  w.key("Prune");
  w.boolean(m.prune);
  return {};
}

Status encode_serf_body(const SerfJoin& m, Writer& w) {
  w.map_header(2);
  w.key("LTime");
  w.uint(m.ltime);
  w.key("Node");
  w.str(m.node);
  return {};
}

Status encode_serf_body(const SerfPushPull& m, Writer& w) {
  w.map_header(6);
  w.key("EventLTime");
  w.uint(m.event_ltime);
  w.key("Events");
  w.array_header(static_cast<std::uint32_t>(m.events.size()));
  for (const auto& slot : m.events) {
    if (slot) {
      write_event_slot(w, *slot);
    } else {
      w.nil();
    }
  }
  w.key("LTime");
  w.uint(m.ltime);
  w.key("LeftMembers");
  w.array_header(static_cast<std::uint32_t>(m.left_members.size()));
  for (const auto& name : m.left_members) w.str(name);
  w.key("QueryLTime");
  w.uint(m.query_ltime);
  w.key("StatusLTimes");
  w.map_header(static_cast<std::uint32_t>(m.status_ltimes.size()));
  for (const auto& [name, ltime] : m.status_ltimes) {
    w.str(name);
    w.uint(ltime);
  }
  return {};
}

Status encode_serf_body(const SerfUserEvent& m, Writer& w) {
  w.map_header(4);
  w.key("CC");
  w.boolean(m.cc);
  w.key("LTime");
  w.uint(m.ltime);
  w.key("Name");
  w.str(m.name);
  w.key("Payload");
  write_nil_bytes(w, m.payload);
  return {};
}

Result<Bytes> encode_query_filter(const QueryFilter& f) {
  Bytes out;
  Writer w(out);
  if (const auto* node = std::get_if<NodeFilter>(&f)) {
    out.push_back(kFilterNode);
    w.array_header(static_cast<std::uint32_t>(node->names.size()));
    for (const auto& n : node->names) w.str(n);
  } else if (const auto* tag = std::get_if<TagFilter>(&f)) {
    out.push_back(kFilterTag);
    w.map_header(2);
    w.key("Expr");
    w.str(tag->expr);
    w.key("Tag");
    w.str(tag->tag);
  } else {
    const auto& raw = std::get<UnknownFilter>(f);
    out.push_back(raw.type);
    append(out, raw.body);
  }
  return out;
}

Result<QueryFilter> decode_query_filter(ByteView entry) {
  if (entry.empty()) {
    return fail(Err::empty_filter, "query filter entry is empty (Debian serf panics on these)");
  }
  Reader r(entry.subspan(1));
  switch (entry[0]) {
    case kFilterNode: {
      NodeFilter f;
      if (auto st = detail::read_string_list(r, "query node filter", f.names); !st) {
        return std::move(st).failure();
      }
      return QueryFilter(std::move(f));
    }
    case kFilterTag: {
      TagFilter f;
      auto st = read_fields(r, "query tag filter", kTagFilterFields, {}, [&](std::size_t i) {
        return i == 0 ? detail::read_str_into(r, "tag filter.Tag", f.tag)
                      : detail::read_str_into(r, "tag filter.Expr", f.expr);
      });
      if (!st) return std::move(st).failure();
      return QueryFilter(std::move(f));
    }
    default: {
      UnknownFilter f{entry[0], Bytes(entry.begin() + 1, entry.end())};
      return QueryFilter(std::move(f));
    }
  }
}

Status encode_serf_body(const SerfQuery& m, Writer& w) {
  if (auto st = detail::check_ip(m.addr, "query.Addr", false); !st) return st;
  std::vector<Bytes> filters;
  filters.reserve(m.filters.size());
  for (const auto& f : m.filters) {
    auto b = encode_query_filter(f);
    if (!b) return std::move(b).failure();
    if (b->empty()) return fail(Err::empty_filter, "query filter encodes to nothing");
    filters.push_back(std::move(*b));
  }
  w.map_header(11);
  w.key("Addr");
  w.raw(m.addr);
  w.key("Filters");
  if (filters.empty()) {
    w.nil();  // Go's nil [][]byte
  } else {
    w.array_header(static_cast<std::uint32_t>(filters.size()));
    for (const auto& f : filters) w.raw(f);
  }
  w.key("Flags");
  w.uint(m.flags);
  w.key("ID");
  w.uint(m.id);
  w.key("LTime");
  w.uint(m.ltime);
  w.key("Name");
  w.str(m.name);
  w.key("Payload");
  write_nil_bytes(w, m.payload);
  w.key("Port");
  w.uint(m.port);
  w.key("RelayFactor");
  w.uint(m.relay_factor);
  w.key("SourceNode");
  w.str(m.source_node);
  w.key("Timeout");
  w.sint(m.timeout_ns);
  return {};
}

Status encode_serf_body(const SerfQueryResponse& m, Writer& w) {
  w.map_header(5);
  w.key("Flags");
  w.uint(m.flags);
  w.key("From");
  w.str(m.from);
  w.key("ID");
  w.uint(m.id);
  w.key("LTime");
  w.uint(m.ltime);
  w.key("Payload");
  write_nil_bytes(w, m.payload);
  return {};
}

Status encode_serf_body(const SerfConflictResponse& m, Writer& w) {
  if (!m.member) {
    w.nil();
    return {};
  }
  return write_member(w, *m.member);
}

Status encode_serf_body(const SerfKeyRequest& m, Writer& w) {
  w.map_header(1);
  w.key("Key");
  w.raw(m.key);
  return {};
}

Status encode_serf_body(const SerfKeyResponse& m, Writer& w) {
  w.map_header(4);
  w.key("Keys");
  if (m.keys.empty()) {
    w.nil();
  } else {
    w.array_header(static_cast<std::uint32_t>(m.keys.size()));
    for (const auto& k : m.keys) w.str(k);
  }
  w.key("Message");
  w.str(m.message);
  w.key("PrimaryKey");
  w.str(m.primary_key);
  w.key("Result");
  w.boolean(m.result);
  return {};
}

Status encode_serf_body(const SerfRelayHeader& m, Writer& w) {
  if (auto st = detail::check_ip(m.dest_ip, "relay.DestAddr.IP", false); !st) return st;
  w.map_header(2);
  w.key("DestAddr");
  w.map_header(3);
  w.key("IP");
  w.raw(m.dest_ip);
  w.key("Port");
  w.sint(m.dest_port);
  w.key("Zone");
  w.str(m.dest_zone);
  w.key("DestName");
  w.str(m.dest_name);
  return {};
}

Result<Bytes> encode_serf_message(const SerfLeave& m, IntStyle style) {
  return encode_with_type(SerfType::leave, m, style);
}
Result<Bytes> encode_serf_message(const SerfJoin& m, IntStyle style) {
  return encode_with_type(SerfType::join, m, style);
}
Result<Bytes> encode_serf_message(const SerfPushPull& m, IntStyle style) {
  return encode_with_type(SerfType::push_pull, m, style);
}
Result<Bytes> encode_serf_message(const SerfUserEvent& m, IntStyle style) {
  return encode_with_type(SerfType::user_event, m, style);
}
Result<Bytes> encode_serf_message(const SerfQuery& m, IntStyle style) {
  return encode_with_type(SerfType::query, m, style);
}
Result<Bytes> encode_serf_message(const SerfQueryResponse& m, IntStyle style) {
  return encode_with_type(SerfType::query_response, m, style);
}
Result<Bytes> encode_serf_message(const SerfConflictResponse& m, IntStyle style) {
  return encode_with_type(SerfType::conflict_response, m, style);
}
Result<Bytes> encode_serf_message(const SerfKeyRequest& m, IntStyle style) {
  return encode_with_type(SerfType::key_request, m, style);
}
Result<Bytes> encode_serf_message(const SerfKeyResponse& m, IntStyle style) {
  return encode_with_type(SerfType::key_response, m, style);
}

Result<Bytes> encode_serf_message(const SerfRelay& m, IntStyle style) {
  auto inner = split_serf_message(m.inner);
  if (!inner) {
    auto f = std::move(inner).failure();
    f.message = "relay inner message: " + f.message;
    return f;
  }
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(SerfType::relay));
  Writer w(out, style);
  if (auto st = encode_serf_body(m.header, w); !st) return std::move(st).failure();
  append(out, m.inner);
  return out;
}

// ---------------------------------------------------------------- decoders

Result<SerfLeave> decode_serf_leave(ByteView body) {
  return decode_with<SerfLeave>(body, [](Reader& r, SerfLeave& m) {
    return read_fields(r, "leave", kLeaveFields, {0, 1}, [&](std::size_t i) -> Status {
      switch (i) {
        case 0: return read_ltime(r, "leave.LTime", m.ltime);
        case 1: return detail::read_str_into(r, "leave.Node", m.node);
        default: return detail::read_bool_into(r, "leave.Prune", m.prune);
      }
    });
  });
}

Result<SerfJoin> decode_serf_join(ByteView body) {
  return decode_with<SerfJoin>(body, [](Reader& r, SerfJoin& m) {
    return read_fields(r, "join", kJoinFields, {0, 1}, [&](std::size_t i) -> Status {
      if (i == 0) return read_ltime(r, "join.LTime", m.ltime);
      return detail::read_str_into(r, "join.Node", m.node);
    });
  });
}

Result<SerfPushPull> decode_serf_push_pull(ByteView body) {
  return decode_with<SerfPushPull>(body, [](Reader& r, SerfPushPull& m) {
    return read_fields(r, "push_pull", kPushPullFields, {0}, [&](std::size_t i) -> Status {
      switch (i) {
        case 0: return read_ltime(r, "push_pull.LTime", m.ltime);
        case 1:
          m.status_ltimes.clear();
          return detail::read_string_keyed_map(r, "push_pull.StatusLTimes",
                                               [&](std::string key) -> Status {
                                                 LamportTime t = 0;
                                                 if (!r.take_nil()) {
                                                   auto st = read_ltime(
                                                       r, "push_pull.StatusLTimes value", t);
                                                   if (!st) return st;
                                                 }
                                                 m.status_ltimes.insert_or_assign(std::move(key), t);
                                                 return {};
                                               });
        case 2: return detail::read_string_list(r, "push_pull.LeftMembers", m.left_members);
        case 3: return read_ltime(r, "push_pull.EventLTime", m.event_ltime);
        case 4: {
          auto n = r.read_array_header("push_pull.Events");
          if (!n) return std::move(n).failure();
          m.events.assign(*n, std::nullopt);
          for (auto& slot : m.events) {
            if (r.take_nil()) continue;
            SerfEventSlot s;
            if (auto st = read_event_slot(r, s); !st) return st;
            slot = std::move(s);
          }
          return {};
        }
        default: return read_ltime(r, "push_pull.QueryLTime", m.query_ltime);
      }
    });
  });
}

Result<SerfUserEvent> decode_serf_user_event(ByteView body) {
  return decode_with<SerfUserEvent>(body, [](Reader& r, SerfUserEvent& m) {
    return read_fields(r, "user_event", kUserEventFields, {0, 1}, [&](std::size_t i) -> Status {
      switch (i) {
        case 0: return read_ltime(r, "user_event.LTime", m.ltime);
        case 1: return detail::read_str_into(r, "user_event.Name", m.name);
        case 2: return read_nil_bytes_into(r, "user_event.Payload", m.payload);
        default: return detail::read_bool_into(r, "user_event.CC", m.cc);
      }
    });
  });
}

Result<SerfQuery> decode_serf_query(ByteView body) {
  return decode_with<SerfQuery>(body, [](Reader& r, SerfQuery& m) -> Status {
    auto st = read_fields(r, "query", kQueryFields, {0, 1, 9}, [&](std::size_t i) -> Status {
      switch (i) {
        case 0: return read_ltime(r, "query.LTime", m.ltime);
        case 1: return detail::read_uint_into(r, "query.ID", m.id);
        case 2: return detail::read_bytes_into(r, "query.Addr", m.addr);
        case 3: return detail::read_uint_into(r, "query.Port", m.port);
        case 4: return detail::read_str_into(r, "query.SourceNode", m.source_node);
        case 5: return read_query_filters(r, m.filters);
        case 6: return detail::read_uint_into(r, "query.Flags", m.flags);
        case 7: return detail::read_uint_into(r, "query.RelayFactor", m.relay_factor);
        case 8: {
          auto v = r.read_int("query.Timeout");
          if (!v) return std::move(v).failure();
          m.timeout_ns = *v;
          return {};
        }
        case 9: return detail::read_str_into(r, "query.Name", m.name);
        default: return read_nil_bytes_into(r, "query.Payload", m.payload);
      }
    });
    if (!st) return st;
    return detail::check_ip(m.addr, "query.Addr", true);
  });
}

Result<SerfQueryResponse> decode_serf_query_response(ByteView body) {
  return decode_with<SerfQueryResponse>(body, [](Reader& r, SerfQueryResponse& m) {
    return read_fields(r, "query_response", kResponseFields, {0, 1, 2},
                       [&](std::size_t i) -> Status {
                         switch (i) {
                           case 0: return read_ltime(r, "query_response.LTime", m.ltime);
                           case 1: return detail::read_uint_into(r, "query_response.ID", m.id);
                           case 2: return detail::read_str_into(r, "query_response.From", m.from);
                           case 3:
                             return detail::read_uint_into(r, "query_response.Flags", m.flags);
                           default:
                             return read_nil_bytes_into(r, "query_response.Payload", m.payload);
                         }
                       });
  });
}

Result<SerfConflictResponse> decode_serf_conflict_response(ByteView body) {
  return decode_with<SerfConflictResponse>(body, [](Reader& r, SerfConflictResponse& m) -> Status {
    if (r.take_nil()) return {};
    SerfMember member;
    if (auto st = read_member(r, member); !st) return st;
    m.member = std::move(member);
    return {};
  });
}

Result<SerfKeyRequest> decode_serf_key_request(ByteView body) {
  return decode_with<SerfKeyRequest>(body, [](Reader& r, SerfKeyRequest& m) {
    return read_fields(r, "key_request", kKeyRequestFields, {0}, [&](std::size_t) {
      return detail::read_bytes_into(r, "key_request.Key", m.key);
    });
  });
}

Result<SerfKeyResponse> decode_serf_key_response(ByteView body) {
  return decode_with<SerfKeyResponse>(body, [](Reader& r, SerfKeyResponse& m) {
    return read_fields(r, "key_response", kKeyResponseFields, {}, [&](std::size_t i) -> Status {
      switch (i) {
        case 0: return detail::read_bool_into(r, "key_response.Result", m.result);
        case 1: return detail::read_str_into(r, "key_response.Message", m.message);
        case 2: return detail::read_string_list(r, "key_response.Keys", m.keys);
        default: return detail::read_str_into(r, "key_response.PrimaryKey", m.primary_key);
      }
    });
  });
}

Result<SerfRelayHeader> decode_serf_relay_header(Reader& r) {
  SerfRelayHeader m;
  auto st = read_fields(r, "relay", kRelayFields, {0}, [&](std::size_t i) -> Status {
    if (i == 1) return detail::read_str_into(r, "relay.DestName", m.dest_name);
    return read_fields(r, "relay.DestAddr", kUdpAddrFields, {0}, [&](std::size_t j) -> Status {
      switch (j) {
        case 0: return detail::read_bytes_into(r, "relay.DestAddr.IP", m.dest_ip);
        case 1: {
          auto v = r.read_int("relay.DestAddr.Port", 0, 65535);
          if (!v) return std::move(v).failure();
          m.dest_port = *v;
          return {};
        }
        default: return detail::read_str_into(r, "relay.DestAddr.Zone", m.dest_zone);
      }
    });
  });
  if (!st) return std::move(st).failure();
  if (auto ip = detail::check_ip(m.dest_ip, "relay.DestAddr.IP", false); !ip) {
    return std::move(ip).failure();
  }
  return m;
}

Result<SerfRelay> decode_serf_relay(ByteView body) {
  Reader r(body);
  auto header = decode_serf_relay_header(r);
  if (!header) return std::move(header).failure();
  SerfRelay m;
  m.header = std::move(*header);
  auto inner = split_serf_message(r.rest());
  if (!inner) {
    auto f = std::move(inner).failure();
    f.message = "relay inner message: " + f.message;
    return f;
  }
  m.inner.assign(r.rest().begin(), r.rest().end());
  return m;
}

Result<SerfMessage> decode_serf_message(ByteView serf_message) {
  auto frame = split_serf_message(serf_message);
  if (!frame) return std::move(frame).failure();
  auto lift = [](auto&& r) -> Result<SerfMessage> {
    if (!r) return std::move(r).failure();
    return SerfMessage(std::move(*r));
  };
  switch (frame->type) {
    case SerfType::leave: return lift(decode_serf_leave(frame->body));
    case SerfType::join: return lift(decode_serf_join(frame->body));
    case SerfType::user_event: return lift(decode_serf_user_event(frame->body));
    case SerfType::query: return lift(decode_serf_query(frame->body));
    case SerfType::query_response: return lift(decode_serf_query_response(frame->body));
    case SerfType::relay: return lift(decode_serf_relay(frame->body));
    default: break;
  }
  return fail(Err::unknown_type, std::string("serf message type ") + serf_type_name(frame->type) +
                                     " is not valid as a gossip message");
}

}  // namespace wkd::wire
