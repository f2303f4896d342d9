// The TCP side of a node: one listener on the gossip port and the
// connections of memberlist's stream exchanges (push/pull, TCP ping, user
// messages), on libuv.
//
// Each connection has a wire::StreamDecoder; complete messages go to the
// engine, which answers and closes. Connections the engine dials are
// buffered until connected. A connection closed by the engine produces no
// further callbacks; one that fails or ends before a message is reported
// once through on_closed. Reads use an area shared by the loop's thread.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "swim/runtime.hpp"
#include "wire/stream.hpp"

namespace wkd::transport {

struct TcpCounters {
  std::uint64_t accepted = 0;
  std::uint64_t dialled = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t failures = 0;  // connect errors, resets, decode errors
};

class TcpTransport {
 public:
  struct Callbacks {
    // Decoder options (keyring, label) for a new connection.
    std::function<wire::StreamDecodeOptions()> decode_options;
    std::function<void(swim::ConnId id, const Address& from, ByteView message)> on_message;
    std::function<void(swim::ConnId id, const std::string& reason)> on_closed;
  };

  TcpTransport(uv_loop_t* loop, Callbacks cb);
  ~TcpTransport();
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // Listens on addr (port 0 = any). Returns 0 or a libuv error code.
  int listen(const Address& addr);
  Address local() const { return local_; }

  void dial(swim::ConnId id, const Address& to);
  void write(swim::ConnId id, ByteView bytes);
  void close(swim::ConnId id);
  // Closes at once: pending writes dropped, a connect in progress cancelled.
  void abort(swim::ConnId id);

  // Closes the listener and every connection; `closed` runs once libuv has
  // released all handles.
  void shutdown(std::function<void()> closed);

  const TcpCounters& counters() const noexcept { return counters_; }
  std::size_t open_connections() const noexcept { return conns_.size(); }

 private:
  struct Conn;

  Conn* make_conn(swim::ConnId id, wire::StreamRole role, const Address& peer);
  void start_reading(Conn* c);
  void flush_pending(Conn* c);
  void send(Conn* c, Bytes data);
  void fail(Conn* c, const std::string& reason);
  void close_handle(Conn* c);
  void released(Conn* c);
  void maybe_finish_shutdown();

  static void on_connection(uv_stream_t* server, int status);
  static void on_connect(uv_connect_t* req, int status);
  static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);

  uv_loop_t* loop_;
  Callbacks cb_;
  uv_tcp_t* listener_ = nullptr;
  Address local_;
  std::unordered_map<swim::ConnId, std::unique_ptr<Conn>> conns_;
  swim::ConnId next_inbound_ = 1;
  TcpCounters counters_;
  bool shutting_down_ = false;
  bool listener_open_ = false;
  std::function<void()> shutdown_done_;
};

}  // namespace wkd::transport
