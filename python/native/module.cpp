// wkd._native: a thin pybind11 layer over the public C ABI of libwkd
// (include/wkd.h). It converts arguments, releases the GIL around every call
// that may wait, and turns each failing wkd_status into the exception that
// wkd.errors chooses for it. Everything idiomatic (keyword configuration,
// dataclasses, iterators, asyncio) lives in the Python package.
//
// No Python code ever runs on a node's loop thread: the binding only uses
// pulled watches (cb == NULL) and routes log lines through a log queue
// (wkd_config_set_log_queue), never a log callback.
//
// Handle lifetime: a Python thread may be blocked inside a C call (join,
// leave, next_event) with the GIL released while another thread closes the
// same object. Each wrapper therefore counts the C calls in progress (the
// counter is only touched with the GIL held): close() wakes the waiters at
// once, and the C handle is freed by whichever of close() or the last call
// in progress comes last.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wkd.h"

namespace py = pybind11;

namespace {

// ---- errors -----------------------------------------------------------------

struct Err {
  wkd_error e;
  Err() { wkd_error_init(&e); }
};

py::str utf8(const char* s) {
  if (s == nullptr) return py::str("");
  // Messages may be truncated in the middle of a UTF-8 sequence.
  PyObject* o = PyUnicode_DecodeUTF8(s, static_cast<Py_ssize_t>(std::strlen(s)), "replace");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::str utf8(const char* s, size_t n) {
  PyObject* o = PyUnicode_DecodeUTF8(s, static_cast<Py_ssize_t>(n), "replace");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

// Raises the wkd.errors exception for a status and message.
[[noreturn]] void raise_status(int status, const char* message) {
  py::object errors = py::module_::import("wkd.errors");
  py::object exc = errors.attr("_from_status")(status, wkd_status_name(static_cast<wkd_status>(status)), utf8(message));
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

[[noreturn]] void raise_err(wkd_status st, const Err& err) {
  // err.e.status is set by every failing call; fall back to the return value.
  const int status = err.e.status != 0 ? err.e.status : static_cast<int>(st);
  const char* msg = err.e.message[0] != '\0' ? err.e.message : wkd_status_str(static_cast<wkd_status>(status));
  raise_status(status, msg);
}

inline void check(wkd_status st, const Err& err) {
  if (st != WKD_OK) raise_err(st, err);
}

[[noreturn]] void raise_closed(const char* what) {
  raise_status(WKD_E_CLOSED, what);
}

// A C string argument: UTF-8 without an embedded NUL (C would cut it short).
const char* c_str(const std::string& s, const char* what) {
  if (s.find('\0') != std::string::npos) {
    throw py::value_error(std::string(what) + " must not contain a NUL character");
  }
  return s.c_str();
}

const char* c_str_opt(const std::optional<std::string>& s, const char* what) {
  return s ? c_str(*s, what) : nullptr;
}

// ---- values -----------------------------------------------------------------

py::list str_list(const char* const* items, size_t n) {
  py::list out;
  for (size_t i = 0; i < n; i++) out.append(utf8(items[i]));
  return out;
}

py::dict member_dict(const wkd_member_info& m) {
  py::dict d;
  d["name"] = utf8(m.name);
  d["address"] = utf8(m.address);
  d["port"] = m.port;
  d["state"] = static_cast<int>(m.state);
  d["incarnation"] = m.incarnation;
  py::list tags;
  for (size_t i = 0; i < m.n_tags; i++) tags.append(py::make_tuple(utf8(m.tags[i].key), utf8(m.tags[i].value)));
  d["tags"] = tags;
  d["groups"] = str_list(m.groups, m.n_groups);
  d["database_type"] = utf8(m.database_type);
  d["wire_protocol"] = utf8(m.wire_protocol);
  d["endpoint"] = utf8(m.endpoint);
  d["capabilities"] = str_list(m.capabilities, m.n_capabilities);
  d["health"] = static_cast<int>(m.health);
  d["last_seen_unix_ms"] = m.last_seen_unix_ms;
  d["wkd_version"] = utf8(m.wkd_version);
  d["protocol"] = py::make_tuple(m.protocol_min, m.protocol_max, m.protocol_cur);
  d["delegate"] = py::make_tuple(m.delegate_min, m.delegate_max, m.delegate_cur);
  return d;
}

// ---- log queue --------------------------------------------------------------

// A wkd_log_queue_t that a node's loop thread fills and one Python thread
// drains (wkd.log). That thread holds a reference to this object while it
// waits in next(), so the handle is never freed under a call; close() is
// thread-safe in C and wakes it.
class LogQueue {
 public:
  explicit LogQueue(size_t capacity) {
    Err err;
    check(wkd_log_queue_new(&q_, capacity, &err.e), err);
  }
  ~LogQueue() { wkd_log_queue_free(q_); }
  LogQueue(const LogQueue&) = delete;
  LogQueue& operator=(const LogQueue&) = delete;

  // (level, node name, message or None, lines dropped before it), or None
  // when nothing came within timeout_ms. Raises the CANCELED error once the
  // queue is closed and drained.
  py::object next(int32_t timeout_ms) {
    Err err;
    wkd_log_entry e = WKD_LOG_ENTRY_INIT;
    wkd_status st;
    {
      py::gil_scoped_release nogil;
      st = wkd_log_queue_next(&e, q_, timeout_ms, &err.e);
    }
    if (st == WKD_E_TIMEOUT) return py::none();
    check(st, err);
    py::object message = e.message != nullptr ? py::object(utf8(e.message)) : py::object(py::none());
    return py::make_tuple(static_cast<int>(e.level), utf8(e.node_name), message, e.dropped);
  }
  void close() { wkd_log_queue_close(q_); }
  uint64_t dropped() const { return wkd_log_queue_dropped(q_); }
  int fd() {
    Err err;
    int fd = -1;
    check(wkd_log_queue_fd(&fd, q_, &err.e), err);
    return fd;
  }
  wkd_log_queue_t* get() const { return q_; }

 private:
  wkd_log_queue_t* q_ = nullptr;
};

// ---- config -----------------------------------------------------------------

class Config {
 public:
  explicit Config(int preset) {
    Err err;
    check(wkd_config_new(&cfg_, static_cast<wkd_preset>(preset), &err.e), err);
  }
  ~Config() { wkd_config_free(cfg_); }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  void set_int(int opt, int64_t v) {
    Err err;
    check(wkd_config_set_int(cfg_, static_cast<wkd_option>(opt), v, &err.e), err);
  }
  void set_str(int opt, const std::optional<std::string>& v) {
    Err err;
    check(wkd_config_set_str(cfg_, static_cast<wkd_option>(opt), c_str_opt(v, "a string option"), &err.e), err);
  }
  void set_bool(int opt, bool v) {
    Err err;
    check(wkd_config_set_bool(cfg_, static_cast<wkd_option>(opt), v, &err.e), err);
  }
  int64_t get_int(int opt) const {
    Err err;
    int64_t v = 0;
    check(wkd_config_get_int(&v, cfg_, static_cast<wkd_option>(opt), &err.e), err);
    return v;
  }
  py::str get_str(int opt) const {
    Err err;
    const char* v = nullptr;
    check(wkd_config_get_str(&v, cfg_, static_cast<wkd_option>(opt), &err.e), err);
    return utf8(v);
  }
  bool get_bool(int opt) const {
    Err err;
    bool v = false;
    check(wkd_config_get_bool(&v, cfg_, static_cast<wkd_option>(opt), &err.e), err);
    return v;
  }
  // The stderr sink's lowest level; a Python log callback would run on the
  // loop thread, so the binding only ever sets the level.
  void set_log_level(int level) {
    Err err;
    check(wkd_config_set_log(cfg_, static_cast<wkd_log_level>(level), nullptr, nullptr, &err.e), err);
  }
  void set_log_queue(int level, LogQueue& queue);
  const wkd_config_t* get() const { return cfg_; }

 private:
  wkd_config_t* cfg_ = nullptr;
};

void Config::set_log_queue(int level, LogQueue& queue) {
  Err err;
  check(wkd_config_set_log_queue(cfg_, static_cast<wkd_log_level>(level), queue.get(), &err.e), err);
}

std::optional<int> option_lookup(const std::string& name) {
  Err err;
  wkd_option opt;
  const wkd_status st = wkd_option_lookup(&opt, c_str(name, "an option name"), &err.e);
  if (st == WKD_E_NOTFOUND) return std::nullopt;
  check(st, err);
  return static_cast<int>(opt);
}

py::dict option_describe(int id) {
  Err err;
  wkd_option_info info = WKD_OPTION_INFO_INIT;
  check(wkd_option_describe(&info, static_cast<wkd_option>(id), &err.e), err);
  py::dict d;
  d["id"] = static_cast<int>(info.id);
  d["name"] = utf8(info.name);
  d["type"] = static_cast<int>(info.type);
  d["min"] = info.min;
  d["max"] = info.max;
  d["since"] = utf8(info.since);
  d["description"] = utf8(info.description);
  return d;
}

// ---- node -------------------------------------------------------------------

class Node;

// Marks one C call in progress on a node; see the file comment.
class NodeUse {
 public:
  explicit NodeUse(Node& n);
  ~NodeUse();
  NodeUse(const NodeUse&) = delete;
  NodeUse& operator=(const NodeUse&) = delete;
  wkd_node_t* get() const { return ptr_; }

 private:
  Node& node_;
  wkd_node_t* ptr_;
};

class Watch;

class Node {
 public:
  explicit Node(const Config& cfg) {
    Err err;
    check(wkd_node_create(&node_, cfg.get(), &err.e), err);
  }
  ~Node() {
    // Only reached when no call is in progress (each holds a reference).
    wkd_node_free(node_);
  }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  bool closed() const { return closed_; }

  void start() {
    NodeUse u(*this);
    Err err;
    wkd_status st;
    {
      py::gil_scoped_release nogil;
      st = wkd_node_start(u.get(), &err.e);
    }
    check(st, err);
  }

  int join(const std::vector<std::string>& seeds, int32_t timeout_ms) {
    std::vector<const char*> ptrs;
    ptrs.reserve(seeds.size());
    for (const auto& s : seeds) ptrs.push_back(c_str(s, "a seed address"));
    NodeUse u(*this);
    Err err;
    int joined = 0;
    wkd_status st;
    {
      py::gil_scoped_release nogil;
      st = wkd_node_join(&joined, u.get(), ptrs.data(), ptrs.size(), timeout_ms, &err.e);
    }
    check(st, err);
    return joined;
  }

  void leave(int32_t timeout_ms) {
    NodeUse u(*this);
    Err err;
    wkd_status st;
    {
      py::gil_scoped_release nogil;
      st = wkd_node_leave(u.get(), timeout_ms, &err.e);
    }
    check(st, err);
  }

  // Idempotent. Wakes every waiter; the handle is freed once no call is in
  // progress.
  void close() {
    if (closed_ || node_ == nullptr) return;
    closed_ = true;
    wkd_node_t* n = node_;
    ++inflight_;  // keep the handle while the GIL is released
    {
      py::gil_scoped_release nogil;
      wkd_node_close(n);
    }
    --inflight_;
    release_if_idle();
  }

  py::str name() {
    NodeUse u(*this);
    return utf8(wkd_node_name(u.get()));
  }

  py::tuple local_addr() {
    NodeUse u(*this);
    Err err;
    char buf[64];
    uint16_t port = 0;
    check(wkd_node_local_addr(buf, sizeof buf, &port, u.get(), &err.e), err);
    return py::make_tuple(utf8(buf), port);
  }

  void set_health(int health, const std::optional<std::string>& reason) {
    const char* r = c_str_opt(reason, "reason");
    NodeUse u(*this);
    Err err;
    check(wkd_node_set_health(u.get(), static_cast<wkd_health>(health), r, &err.e), err);
  }

  void fire_event(const std::string& name, const py::bytes& payload, bool coalesce) {
    const char* n = c_str(name, "the event name");
    std::string_view p = payload;  // borrowed; payload outlives the call
    NodeUse u(*this);
    Err err;
    check(wkd_node_fire_event(u.get(), n, reinterpret_cast<const uint8_t*>(p.data()), p.size(), coalesce, &err.e),
          err);
  }

  void register_identity(const std::optional<std::string>& database_type,
                         const std::optional<std::string>& wire_protocol, const std::optional<std::string>& endpoint,
                         const std::vector<std::string>& groups, const std::vector<std::string>& capabilities,
                         const std::vector<std::pair<std::string, std::string>>& tags) {
    std::vector<const char*> g, c;
    std::vector<wkd_kv> t;
    for (const auto& s : groups) g.push_back(c_str(s, "a group"));
    for (const auto& s : capabilities) c.push_back(c_str(s, "a capability"));
    for (const auto& kv : tags) t.push_back(wkd_kv{c_str(kv.first, "a tag key"), c_str(kv.second, "a tag value")});
    wkd_registration reg;
    wkd_registration_init(&reg, sizeof reg);
    reg.database_type = c_str_opt(database_type, "database_type");
    reg.wire_protocol = c_str_opt(wire_protocol, "wire_protocol");
    reg.endpoint = c_str_opt(endpoint, "endpoint");
    reg.groups = g.data();
    reg.n_groups = g.size();
    reg.capabilities = c.data();
    reg.n_capabilities = c.size();
    reg.tags = t.data();
    reg.n_tags = t.size();
    NodeUse u(*this);
    Err err;
    check(wkd_register(u.get(), &reg, &err.e), err);
  }

  py::list members(uint32_t states, const std::optional<std::string>& group,
                   const std::optional<std::string>& database_type, const std::optional<std::string>& wire_protocol,
                   const std::optional<std::string>& tag_key, const std::optional<std::string>& tag_value) {
    wkd_member_filter f = WKD_MEMBER_FILTER_INIT;
    f.states = states;
    f.group = c_str_opt(group, "group");
    f.database_type = c_str_opt(database_type, "database_type");
    f.wire_protocol = c_str_opt(wire_protocol, "wire_protocol");
    f.tag_key = c_str_opt(tag_key, "tag key");
    f.tag_value = c_str_opt(tag_value, "tag value");
    NodeUse u(*this);
    Err err;
    wkd_members_t* ms = nullptr;
    check(wkd_node_members(&ms, u.get(), &f, &err.e), err);
    std::unique_ptr<wkd_members_t, void (*)(wkd_members_t*)> hold(ms, wkd_members_free);
    py::list out;
    const size_t n = wkd_members_count(ms);
    for (size_t i = 0; i < n; i++) {
      wkd_member_info m = WKD_MEMBER_INFO_INIT;
      check(wkd_members_at(&m, ms, i, &err.e), err);
      out.append(member_dict(m));
    }
    return out;
  }

  py::dict member(const std::string& name) {
    const char* nm = c_str(name, "a member name");
    NodeUse u(*this);
    Err err;
    wkd_members_t* ms = nullptr;
    check(wkd_node_members(&ms, u.get(), nullptr, &err.e), err);
    std::unique_ptr<wkd_members_t, void (*)(wkd_members_t*)> hold(ms, wkd_members_free);
    wkd_member_info m = WKD_MEMBER_INFO_INIT;
    check(wkd_members_find(&m, ms, nm, &err.e), err);
    return member_dict(m);
  }

  py::dict stats() {
    NodeUse u(*this);
    Err err;
    wkd_stats s = WKD_STATS_INIT;
    check(wkd_node_stats(&s, u.get(), &err.e), err);
    py::dict d;
#define WKD_PY_STAT(type, name, kind, help) d[#name] = s.name;
    WKD_STATS_MAP(WKD_PY_STAT)
#undef WKD_PY_STAT
    return d;
  }

  void keyring_install(const std::string& key) {
    const char* k = c_str(key, "a key");
    NodeUse u(*this);
    Err err;
    check(wkd_keyring_install(u.get(), k, &err.e), err);
  }
  void keyring_use(const std::string& key) {
    const char* k = c_str(key, "a key");
    NodeUse u(*this);
    Err err;
    check(wkd_keyring_use(u.get(), k, &err.e), err);
  }
  void keyring_remove(const std::string& key) {
    const char* k = c_str(key, "a key");
    NodeUse u(*this);
    Err err;
    check(wkd_keyring_remove(u.get(), k, &err.e), err);
  }
  py::tuple keyring_list() {
    NodeUse u(*this);
    Err err;
    wkd_key_list* l = nullptr;
    check(wkd_keyring_list(&l, u.get(), &err.e), err);
    std::unique_ptr<wkd_key_list, void (*)(wkd_key_list*)> hold(l, wkd_key_list_free);
    return py::make_tuple(str_list(l->keys, l->count), utf8(l->primary));
  }

  std::unique_ptr<Watch> watch(int kind, const std::optional<std::string>& name, uint32_t flags,
                               uint32_t queue_capacity);

 private:
  friend class NodeUse;

  void release_if_idle() {
    if (closed_ && inflight_ == 0 && node_ != nullptr) {
      wkd_node_t* n = node_;
      node_ = nullptr;
      wkd_node_free(n);  // already closed: only releases memory
    }
  }

  wkd_node_t* node_ = nullptr;
  bool closed_ = false;
  int inflight_ = 0;
};

NodeUse::NodeUse(Node& n) : node_(n), ptr_(n.node_) {
  if (n.closed_ || ptr_ == nullptr) raise_closed("the node is closed");
  ++n.inflight_;
}

NodeUse::~NodeUse() {
  --node_.inflight_;
  node_.release_if_idle();
}

// ---- watch ------------------------------------------------------------------

class Watch {
 public:
  explicit Watch(wkd_watch_t* w) : w_(w) {}
  ~Watch() { wkd_watch_free(w_); }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  bool closed() const { return closed_; }

  // The next event as (type, detail), or None when none came within
  // timeout_ms. Raises the CANCELED error once the watch is cancelled (or
  // its node closed) and drained.
  py::object next_event(int32_t timeout_ms) {
    wkd_watch_t* w = enter();
    Err err;
    wkd_event_t* ev = nullptr;
    wkd_status st;
    {
      py::gil_scoped_release nogil;
      st = wkd_watch_next_event(&ev, w, timeout_ms, &err.e);
    }
    leave();
    if (st == WKD_E_TIMEOUT) return py::none();
    check(st, err);
    std::unique_ptr<wkd_event_t, void (*)(wkd_event_t*)> hold(ev, wkd_event_free);
    const wkd_event_type type = wkd_event_get_type(ev);
    py::object detail = py::none();
    if (type == WKD_EVENT_USER) {
      const char* name = nullptr;
      const uint8_t* payload = nullptr;
      size_t len = 0;
      uint64_t ltime = 0;
      check(wkd_event_user(&name, &payload, &len, &ltime, ev, &err.e), err);
      detail = py::make_tuple(utf8(name), py::bytes(reinterpret_cast<const char*>(payload), len), ltime);
    } else if (type != WKD_EVENT_OVERFLOW) {
      wkd_member_info m = WKD_MEMBER_INFO_INIT;
      check(wkd_event_member(&m, ev, &err.e), err);
      detail = member_dict(m);
    }
    return py::make_tuple(static_cast<int>(type), detail);
  }

  int fd() {
    wkd_watch_t* w = enter();
    Err err;
    int fd = -1;
    const wkd_status st = wkd_watch_fd(&fd, w, &err.e);
    leave();
    check(st, err);
    return fd;
  }

  void cancel() {
    if (closed_ || w_ == nullptr) return;
    wkd_watch_t* w = enter();
    {
      py::gil_scoped_release nogil;
      wkd_watch_cancel(w);
    }
    leave();
  }

  // Cancels and releases the watch (once no call is in progress). Idempotent.
  void close() {
    if (closed_ || w_ == nullptr) return;
    cancel();
    closed_ = true;
    release_if_idle();
  }

 private:
  wkd_watch_t* enter() {
    if (closed_ || w_ == nullptr) raise_status(WKD_E_CANCELED, "the watch is closed");
    ++inflight_;
    return w_;
  }
  void leave() {
    --inflight_;
    release_if_idle();
  }
  void release_if_idle() {
    if (closed_ && inflight_ == 0 && w_ != nullptr) {
      wkd_watch_t* w = w_;
      w_ = nullptr;
      wkd_watch_free(w);
    }
  }

  wkd_watch_t* w_ = nullptr;
  bool closed_ = false;
  int inflight_ = 0;
};

std::unique_ptr<Watch> Node::watch(int kind, const std::optional<std::string>& name, uint32_t flags,
                                   uint32_t queue_capacity) {
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  spec.kind = static_cast<wkd_watch_kind>(kind);
  spec.name = c_str_opt(name, "the watch name");
  spec.flags = flags;
  spec.queue_capacity = queue_capacity;
  NodeUse u(*this);
  Err err;
  wkd_watch_t* w = nullptr;
  check(wkd_watch(&w, u.get(), &spec, nullptr, nullptr, &err.e), err);
  return std::make_unique<Watch>(w);
}

// The library's constant table (wkd/constants.h): (group, name, value, text)
// for every named constant, read from the loaded library.
py::list constants() {
  py::list out;
  wkd_constant_info c = WKD_CONSTANT_INFO_INIT;
  for (size_t i = 0; wkd_constant_at(&c, i, nullptr) == WKD_OK; ++i) {
    out.append(py::make_tuple(utf8(c.group), utf8(c.name), c.value, utf8(c.text)));
  }
  return out;
}

// The library's list of wkd_stats fields: (name, kind, help) in order.
py::list stats_fields() {
  py::list out;
  wkd_stat_info f = WKD_STAT_INFO_INIT;
  for (size_t i = 0; wkd_stats_describe(&f, i, nullptr) == WKD_OK; ++i) {
    out.append(py::make_tuple(utf8(f.name), utf8(f.kind), utf8(f.help)));
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "Thin binding of the wkd C ABI; use the wkd package instead.";

  m.attr("VERSION_MAJOR") = WKD_VERSION_MAJOR;
  m.attr("VERSION_MINOR") = WKD_VERSION_MINOR;
  m.attr("VERSION_PATCH") = WKD_VERSION_PATCH;
  m.attr("WATCH_INITIAL") = WKD_WATCH_INITIAL;
  m.def("version_number", &wkd_version_number);
  m.def("version_string", [] { return utf8(wkd_version_string()); });
  m.def("status_name", [](int s) { return utf8(wkd_status_name(static_cast<wkd_status>(s))); });
  m.def("status_str", [](int s) { return utf8(wkd_status_str(static_cast<wkd_status>(s))); });
  m.def("member_state_name", [](int s) { return utf8(wkd_member_state_name(static_cast<wkd_member_state>(s))); });
  m.def("health_name", [](int h) { return utf8(wkd_health_name(static_cast<wkd_health>(h))); });
  m.def("event_type_name", [](int t) { return utf8(wkd_event_type_name(static_cast<wkd_event_type>(t))); });
  m.def("constants", &constants);
  m.def("stats_fields", &stats_fields);
  m.def("option_lookup", &option_lookup, py::arg("name"));
  m.def("option_describe", &option_describe, py::arg("id"));

  py::class_<Config>(m, "Config")
      .def(py::init<int>(), py::arg("preset"))
      .def("set_int", &Config::set_int, py::arg("option"), py::arg("value"))
      .def("set_str", &Config::set_str, py::arg("option"), py::arg("value"))
      .def("set_bool", &Config::set_bool, py::arg("option"), py::arg("value"))
      .def("get_int", &Config::get_int, py::arg("option"))
      .def("get_str", &Config::get_str, py::arg("option"))
      .def("get_bool", &Config::get_bool, py::arg("option"))
      .def("set_log_level", &Config::set_log_level, py::arg("level"))
      .def("set_log_queue", &Config::set_log_queue, py::arg("level"), py::arg("queue"));

  py::class_<LogQueue>(m, "LogQueue")
      .def(py::init<size_t>(), py::arg("capacity"))
      .def("next", &LogQueue::next, py::arg("timeout_ms"))
      .def("close", &LogQueue::close)
      .def("dropped", &LogQueue::dropped)
      .def("fd", &LogQueue::fd);

  py::class_<Watch>(m, "Watch")
      .def_property_readonly("closed", &Watch::closed)
      .def("next_event", &Watch::next_event, py::arg("timeout_ms"))
      .def("fd", &Watch::fd)
      .def("cancel", &Watch::cancel)
      .def("close", &Watch::close);

  py::class_<Node>(m, "Node")
      .def(py::init<const Config&>(), py::arg("config"))
      .def_property_readonly("closed", &Node::closed)
      .def("start", &Node::start)
      .def("join", &Node::join, py::arg("seeds"), py::arg("timeout_ms"))
      .def("leave", &Node::leave, py::arg("timeout_ms"))
      .def("close", &Node::close)
      .def("name", &Node::name)
      .def("local_addr", &Node::local_addr)
      .def("set_health", &Node::set_health, py::arg("health"), py::arg("reason"))
      .def("fire_event", &Node::fire_event, py::arg("name"), py::arg("payload"), py::arg("coalesce"))
      .def("register", &Node::register_identity, py::arg("database_type"), py::arg("wire_protocol"),
           py::arg("endpoint"), py::arg("groups"), py::arg("capabilities"), py::arg("tags"))
      .def("members", &Node::members, py::arg("states"), py::arg("group"), py::arg("database_type"),
           py::arg("wire_protocol"), py::arg("tag_key"), py::arg("tag_value"))
      .def("member", &Node::member, py::arg("name"))
      .def("stats", &Node::stats)
      .def("keyring_install", &Node::keyring_install, py::arg("key"))
      .def("keyring_use", &Node::keyring_use, py::arg("key"))
      .def("keyring_remove", &Node::keyring_remove, py::arg("key"))
      .def("keyring_list", &Node::keyring_list)
      .def("watch", &Node::watch, py::arg("kind"), py::arg("name"), py::arg("flags"), py::arg("queue_capacity"));
}
