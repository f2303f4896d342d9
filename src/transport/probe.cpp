#include "transport/probe.hpp"

#include <signal.h>
#include <uv.h>

#include <algorithm>

#include "transport/resolver.hpp"
#include "transport/uv_util.hpp"

namespace wkd::transport {

namespace {

constexpr std::size_t kMaxScriptOutput = 4096;

}  // namespace

// One probe: its timer, its socket or process and pipe once there are
// any, and itself kept alive (`self`) until libuv has closed them all. The
// Probes map lets go of it as soon as it is over, so nothing of it reaches
// the Probes after that.
struct Probes::Probe {
  Probes* owner = nullptr;
  std::uint64_t id = 0;
  std::string target;
  Duration timeout{};
  Done done;
  uv_timer_t timer{};
  // tcp
  uv_tcp_t tcp{};
  uv_connect_t connect{};
  bool tcp_open = false;
  // script
  uv_process_t process{};
  uv_pipe_t out{};
  bool process_open = false, pipe_open = false;
  bool exited = false, eof = false;
  std::int64_t exit_status = 0;
  int term_signal = 0;
  std::string output;

  bool over = false;
  int open_handles = 0;
  std::shared_ptr<Probe> self;

  // Ends the probe once: reports (unless dropped), then closes its handles.
  void finish(Outcome outcome, std::string detail, bool report) {
    if (over) return;
    over = true;
    Done cb = std::move(done);
    Probes* o = owner;
    owner = nullptr;
    if (o != nullptr) o->finished(id);  // the map lets go; `self` holds on
    close_handles();
    if (report && cb) cb(outcome, std::move(detail));
  }

  static void closed(uv_handle_t* h) {
    auto* p = static_cast<Probe*>(h->data);
    if (--p->open_handles == 0) p->self.reset();  // may delete p
  }

  void close_handles() {
    uv_timer_stop(&timer);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer), closed);
    if (tcp_open) uv_close(reinterpret_cast<uv_handle_t*>(&tcp), closed);
    if (pipe_open) uv_close(reinterpret_cast<uv_handle_t*>(&out), closed);
    if (process_open) {
      // The whole group: the shell and whatever it started.
      if (!exited) uv_kill(-process.pid, SIGKILL);
      // Closed once it has exited, so libuv reaps it.
      if (exited) uv_close(reinterpret_cast<uv_handle_t*>(&process), closed);
    }
  }

  // ---- tcp ----
  void connect_to(uv_loop_t* loop, const Address& a) {
    sockaddr_storage sa{};
    if (!to_sockaddr(a, sa)) {
      finish(Outcome::failure, target + ": not an IP address", true);
      return;
    }
    uv_tcp_init(loop, &tcp);
    tcp.data = this;
    tcp_open = true;
    ++open_handles;
    connect.data = this;
    const int rc =
        uv_tcp_connect(&connect, &tcp, reinterpret_cast<const sockaddr*>(&sa), [](uv_connect_t* req, int status) {
          auto* p = static_cast<Probe*>(req->data);
          if (p->over) return;  // timed out or dropped meanwhile
          if (status == 0) {
            p->finish(Outcome::ok, "connected to " + p->target, true);
          } else {
            p->finish(Outcome::failure, p->target + ": " + uv_error(status), true);
          }
        });
    if (rc != 0) finish(Outcome::failure, target + ": " + uv_error(rc), true);
  }

  // ---- script ----
  void script_done() {
    if (!exited || !eof || over) return;
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
    std::string head;
    Outcome outcome = Outcome::failure;
    if (term_signal != 0) {
      head = "killed by signal " + std::to_string(term_signal);
    } else {
      head = "exit " + std::to_string(exit_status);
      outcome = exit_status == 0 ? Outcome::ok : exit_status == 1 ? Outcome::warning : Outcome::failure;
    }
    finish(outcome, output.empty() ? head : head + ": " + output, true);
  }
};

Probes::~Probes() { close(); }

std::shared_ptr<Probes::Probe> Probes::make(const std::string& target, Duration timeout, Done done) {
  auto p = std::make_shared<Probe>();
  p->owner = this;
  p->id = next_id_++;
  p->target = target;
  p->timeout = timeout;
  p->done = std::move(done);
  p->self = p;
  uv_timer_init(loop_, &p->timer);
  p->timer.data = p.get();
  p->open_handles = 1;
  const auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(to_ms(timeout), 1));
  uv_timer_start(
      &p->timer,
      [](uv_timer_t* t) {
        auto* probe = static_cast<Probe*>(t->data);
        probe->finish(Outcome::failure, "timed out after " + std::to_string(to_ms(probe->timeout)) + " ms", true);
      },
      ms, 0);
  probes_.emplace(p->id, p);
  return p;
}

std::uint64_t Probes::tcp(const std::string& target, Duration timeout, Done done) {
  if (closed_) return 0;
  auto p = make(target, timeout, std::move(done));
  // Resolved on the loop (an IP literal too: never from inside this call).
  std::weak_ptr<Probe> weak = p;
  uv_loop_t* loop = loop_;
  resolve_seeds(loop_, {target}, 0, AF_UNSPEC, [weak, loop](Resolved r) {
    auto probe = weak.lock();
    if (!probe || probe->over) return;
    if (r.addresses.empty()) {
      probe->finish(Outcome::failure, r.errors.empty() ? probe->target + ": no address" : r.errors, true);
      return;
    }
    probe->connect_to(loop, r.addresses.front());
  });
  return p->id;
}

std::uint64_t Probes::script(const std::string& command, Duration timeout, Done done) {
  if (closed_) return 0;
  auto p = make(command, timeout, std::move(done));
  Probe* raw = p.get();
  uv_pipe_init(loop_, &raw->out, 0);
  raw->out.data = raw;
  raw->pipe_open = true;
  ++raw->open_handles;
  // Its standard error joins its output; nothing comes in.
  const std::string line = "exec 2>&1; " + command;
  char sh[] = "/bin/sh";
  char dash_c[] = "-c";
  std::string body = line;
  char* args[] = {sh, dash_c, body.data(), nullptr};
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = reinterpret_cast<uv_stream_t*>(&raw->out);
  stdio[2].flags = UV_IGNORE;
  uv_process_options_t opts{};
  opts.file = sh;
  opts.args = args;
  opts.stdio = stdio;
  opts.stdio_count = 3;
  opts.flags = UV_PROCESS_DETACHED;  // a process group of its own, killed whole
  opts.exit_cb = [](uv_process_t* proc, std::int64_t status, int signal) {
    auto* probe = static_cast<Probe*>(proc->data);
    probe->exited = true;
    probe->exit_status = status;
    probe->term_signal = signal;
    if (probe->over) {
      uv_close(reinterpret_cast<uv_handle_t*>(proc), Probe::closed);  // killed at its end: reap it now
      return;
    }
    probe->script_done();
  };
  raw->process.data = raw;
  const int rc = uv_spawn(loop_, &raw->process, &opts);
  if (rc != 0) {
    // Reported from the loop, like every other outcome.
    raw->exited = true;
    uv_timer_stop(&raw->timer);
    uv_timer_start(
        &raw->timer,
        [](uv_timer_t* t) {
          auto* probe = static_cast<Probe*>(t->data);
          probe->finish(Outcome::failure, "cannot run /bin/sh: " + probe->output, true);
        },
        0, 0);
    raw->output = uv_error(rc);
    return p->id;
  }
  raw->process_open = true;
  ++raw->open_handles;
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&raw->out),
      [](uv_handle_t*, std::size_t suggested, uv_buf_t* buf) {
        buf->base = new char[suggested];
        buf->len = suggested;
      },
      [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
        auto* probe = static_cast<Probe*>(s->data);
        if (n > 0 && !probe->over && probe->output.size() < kMaxScriptOutput) {
          probe->output.append(buf->base, std::min<std::size_t>(static_cast<std::size_t>(n),
                                                                kMaxScriptOutput - probe->output.size()));
        }
        delete[] buf->base;
        if (n < 0) {
          uv_read_stop(s);
          probe->eof = true;
          probe->script_done();
        }
      });
  return p->id;
}

void Probes::cancel(std::uint64_t id) {
  const auto it = probes_.find(id);
  if (it == probes_.end()) return;
  std::shared_ptr<Probe> p = it->second;
  p->finish(Outcome::failure, {}, false);
}

void Probes::close() {
  closed_ = true;
  while (!probes_.empty()) {
    std::shared_ptr<Probe> p = probes_.begin()->second;
    p->finish(Outcome::failure, {}, false);
  }
}

void Probes::finished(std::uint64_t id) { probes_.erase(id); }

}  // namespace wkd::transport
