#include "transport/curl_multi.hpp"

#include <uv.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace wkd::transport {

void curl_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

namespace {

// One socket libcurl asked to have watched. Its poll handle is closed when
// libcurl lets the socket go (CURL_POLL_REMOVE) or at close(); the close
// callback deletes it.
struct Socket {
  uv_poll_t poll{};
  curl_socket_t fd = CURL_SOCKET_BAD;
  CurlMulti::State* state = nullptr;
};

}  // namespace

// Everything libuv and libcurl call back into. It is kept alive (`self`)
// until its timer is closed, so it outlives the CurlMulti when close()
// runs from inside one of its own callbacks.
struct CurlMulti::State {
  uv_loop_t* loop = nullptr;
  CURLM* multi = nullptr;
  uv_timer_t timer{};
  bool closed = false;
  std::map<CURL*, Done> transfers;
  // Transfers libcurl would not take: reported from the timer.
  std::vector<std::pair<CURL*, CURLcode>> refused;
  std::set<Socket*> sockets;
  std::shared_ptr<State> self;

  void close_socket(Socket* s) {
    sockets.erase(s);
    uv_poll_stop(&s->poll);
    uv_close(reinterpret_cast<uv_handle_t*>(&s->poll),
             [](uv_handle_t* h) { delete static_cast<Socket*>(h->data); });
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
    auto* st = static_cast<State*>(userp);
    auto* s = static_cast<Socket*>(socketp);
    if (what == CURL_POLL_REMOVE) {
      if (s != nullptr) {
        if (!st->closed) curl_multi_assign(st->multi, fd, nullptr);
        st->close_socket(s);
      }
      return 0;
    }
    if (st->closed) return 0;
    if (s == nullptr) {
      s = new Socket;
      s->fd = fd;
      s->state = st;
      if (uv_poll_init_socket(st->loop, &s->poll, fd) != 0) {
        delete s;
        return -1;  // libcurl fails the transfer
      }
      s->poll.data = s;
      st->sockets.insert(s);
      curl_multi_assign(st->multi, fd, s);
    }
    int events = 0;
    if ((what & CURL_POLL_IN) != 0) events |= UV_READABLE;
    if ((what & CURL_POLL_OUT) != 0) events |= UV_WRITABLE;
    uv_poll_start(&s->poll, events, [](uv_poll_t* h, int status, int ready) {
      auto* sock = static_cast<Socket*>(h->data);
      std::shared_ptr<State> keep = sock->state->self;
      if (keep->closed) return;
      int flags = 0;
      if (status < 0) {
        flags = CURL_CSELECT_ERR;
      } else {
        if ((ready & UV_READABLE) != 0) flags |= CURL_CSELECT_IN;
        if ((ready & UV_WRITABLE) != 0) flags |= CURL_CSELECT_OUT;
      }
      int running = 0;
      curl_multi_socket_action(keep->multi, sock->fd, flags, &running);  // may close `sock`
      keep->read_done();
    });
    return 0;
  }

  // libcurl's next timeout: -1 none, 0 at once (still from the loop, never
  // from inside the call that set it).
  static int on_timer_set(CURLM*, long timeout_ms, void* userp) {
    auto* st = static_cast<State*>(userp);
    if (st->closed) return 0;
    st->arm(timeout_ms);
    return 0;
  }

  void arm(long timeout_ms) {
    if (!refused.empty()) timeout_ms = 0;
    if (timeout_ms < 0) {
      uv_timer_stop(&timer);
      return;
    }
    uv_timer_start(
        &timer,
        [](uv_timer_t* t) {
          std::shared_ptr<State> keep = static_cast<State*>(t->data)->self;
          if (keep->closed) return;
          keep->report_refused();
          if (keep->closed) return;
          int running = 0;
          curl_multi_socket_action(keep->multi, CURL_SOCKET_TIMEOUT, 0, &running);
          keep->read_done();
        },
        static_cast<std::uint64_t>(timeout_ms), 0);
  }

  // Reports one transfer; false once a callback closed the multi.
  bool report(CURL* easy, CURLcode result) {
    const auto it = transfers.find(easy);
    if (it == transfers.end()) return !closed;
    Done done = std::move(it->second);
    transfers.erase(it);
    if (done) done(result);
    return !closed;
  }

  void report_refused() {
    std::vector<std::pair<CURL*, CURLcode>> batch;
    batch.swap(refused);
    for (const auto& [easy, code] : batch) {
      if (!report(easy, code)) return;
    }
  }

  void read_done() {
    int left = 0;
    while (!closed) {
      CURLMsg* msg = curl_multi_info_read(multi, &left);
      if (msg == nullptr) break;
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode result = msg->data.result;
      curl_multi_remove_handle(multi, easy);
      if (!report(easy, result)) return;
    }
  }
};

CurlMulti::CurlMulti(uv_loop_s* loop) : state_(std::make_shared<State>()) {
  curl_init_once();
  State* st = state_.get();
  st->self = state_;
  st->loop = loop;
  st->multi = curl_multi_init();
  uv_timer_init(loop, &st->timer);
  st->timer.data = st;
  if (st->multi != nullptr) {
    curl_multi_setopt(st->multi, CURLMOPT_SOCKETFUNCTION, &State::on_socket);
    curl_multi_setopt(st->multi, CURLMOPT_SOCKETDATA, st);
    curl_multi_setopt(st->multi, CURLMOPT_TIMERFUNCTION, &State::on_timer_set);
    curl_multi_setopt(st->multi, CURLMOPT_TIMERDATA, st);
  }
}

CurlMulti::~CurlMulti() { close(); }

bool CurlMulti::add(CURL* easy, Done done) {
  State* st = state_.get();
  if (st->closed) return false;
  st->transfers[easy] = std::move(done);
  if (st->multi == nullptr || curl_multi_add_handle(st->multi, easy) != CURLM_OK) {
    st->refused.emplace_back(easy, CURLE_FAILED_INIT);
    st->arm(0);
  }
  return true;
}

void CurlMulti::remove(CURL* easy) {
  State* st = state_.get();
  if (st->transfers.erase(easy) == 0) return;
  std::erase_if(st->refused, [easy](const auto& r) { return r.first == easy; });
  if (st->multi != nullptr) curl_multi_remove_handle(st->multi, easy);
}

void CurlMulti::close() {
  State* st = state_.get();
  if (st->closed) return;
  st->closed = true;
  std::map<CURL*, Done> dropped;  // destroyed after the multi handle is gone
  dropped.swap(st->transfers);
  st->refused.clear();
  if (st->multi != nullptr) {
    for (const auto& t : dropped) curl_multi_remove_handle(st->multi, t.first);
    // Closes the connections it kept; their sockets come back through
    // on_socket (CURL_POLL_REMOVE) and are closed there.
    curl_multi_cleanup(st->multi);
    st->multi = nullptr;
  }
  while (!st->sockets.empty()) st->close_socket(*st->sockets.begin());
  uv_timer_stop(&st->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&st->timer),
           [](uv_handle_t* h) { static_cast<State*>(h->data)->self.reset(); });
}

std::size_t CurlMulti::in_flight() const noexcept { return state_->transfers.size(); }

}  // namespace wkd::transport
