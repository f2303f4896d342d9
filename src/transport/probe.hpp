// One-shot probes on the loop for the health checks of a node's own
// instances:
//
//  * tcp: a connect to host:port within a timeout (a name is resolved
//    first, with uv_getaddrinfo; the first address answers);
//  * script: a command run by /bin/sh in a process group of its own, its
//    standard output and error kept (the first 4 KiB); exit 0 is ok, 1 a
//    warning, anything else (or a signal) a failure. At the timeout the
//    whole group is killed (SIGKILL).
//
// A probe's `done` is called once, on the loop and never from inside the
// call that started it, with the outcome and a line saying what happened
// ("connected to 127.0.0.1:5432", "127.0.0.1:5432: connection refused
// (ECONNREFUSED)", "exit 1: disk 91% full", "timed out after 500 ms").
// cancel() and close() drop probes: their `done` is never called.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/time.hpp"

struct uv_loop_s;

namespace wkd::transport {

class Probes {
 public:
  enum class Outcome : std::uint8_t { ok, warning, failure };
  using Done = std::function<void(Outcome outcome, std::string detail)>;

  explicit Probes(uv_loop_s* loop) : loop_(loop) {}
  // close() first, and let the loop run its closes.
  ~Probes();
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  // Connects to `target` ("host:port", "[v6]:port"); returns the probe's id.
  std::uint64_t tcp(const std::string& target, Duration timeout, Done done);
  // Runs `command` with /bin/sh -c; returns the probe's id (0 when it
  // could not be started: `done` then reports why, from the loop).
  std::uint64_t script(const std::string& command, Duration timeout, Done done);
  void cancel(std::uint64_t id);
  // Drops every probe in flight and refuses new ones.
  void close();
  std::size_t in_flight() const noexcept { return probes_.size(); }

  struct Probe;  // probe.cpp

 private:
  friend struct Probe;
  std::shared_ptr<Probe> make(const std::string& target, Duration timeout, Done done);
  void finished(std::uint64_t id);

  uv_loop_s* loop_;
  bool closed_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Probe>> probes_;
};

}  // namespace wkd::transport
