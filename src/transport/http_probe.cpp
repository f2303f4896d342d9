#include "transport/http_probe.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <new>
#include <string_view>
#include <system_error>

#include "transport/curl_multi.hpp"

namespace wkd::transport {

namespace {

// What a response may make an exchange keep of its header fields.
constexpr std::size_t kMaxHeaderFields = 64;
constexpr std::size_t kMaxHeaderValue = 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

const std::string* HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return &v;
  }
  return nullptr;
}

// One exchange: its easy handle, the request it sends (libcurl reads the
// body and the header list from here while it runs) and the response it
// gathers.
struct HttpProbes::Exchange {
  std::uint64_t id = 0;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  HttpRequest request;
  HttpResponse response;
  Done done;
  bool stopped_reading = false;
  char error[CURL_ERROR_SIZE] = {};

  Exchange() = default;
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;
  ~Exchange() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(header_list);
  }

  // Each header line of each response (redirects and 1xx included, and
  // HTTP/2 trailers): a status line starts a response over.
  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* userp) {
    auto* x = static_cast<Exchange*>(userp);
    const std::size_t len = size * n;
    const std::string_view line = trim(std::string_view(data, len));
    HttpResponse& r = x->response;
    if (line.starts_with("HTTP/")) {
      r.headers.clear();
      r.reason.clear();
      r.status = 0;
      const std::size_t sp = line.find(' ');
      if (sp != std::string_view::npos) {
        const std::string_view rest = trim(line.substr(sp + 1));
        long code = 0;
        std::size_t i = 0;
        for (; i < rest.size() && i < 3 && rest[i] >= '0' && rest[i] <= '9'; ++i) code = code * 10 + (rest[i] - '0');
        r.status = code;
        r.reason = std::string(trim(rest.substr(i)));
      }
      return len;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || r.headers.size() >= kMaxHeaderFields) return len;
    std::string_view value = trim(line.substr(colon + 1));
    if (value.size() > kMaxHeaderValue) value = value.substr(0, kMaxHeaderValue);
    r.headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(value));
    return len;
  }

  // The body, up to max_body bytes; past them the transfer is stopped
  // (libcurl then ends it with CURLE_WRITE_ERROR, which is no failure here).
  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* userp) {
    auto* x = static_cast<Exchange*>(userp);
    const std::size_t len = size * n;
    std::string& body = x->response.body;
    const std::size_t room = x->request.max_body - std::min(body.size(), x->request.max_body);
    if (len <= room) {
      body.append(data, len);
      return len;
    }
    body.append(data, room);
    x->response.truncated = true;
    x->stopped_reading = true;
    return 0;
  }

  void configure(Duration timeout) {
    const HttpRequest& q = request;
    curl_easy_setopt(easy, CURLOPT_URL, q.url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    // An exchange that ends (timeout, cancel, close) while its name still
    // resolves lets the resolver thread go instead of joining it on the
    // loop (transport/curl_multi.hpp).
    curl_easy_setopt(easy, CURLOPT_QUICK_EXIT, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, q.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(std::max(q.max_redirects, 0)));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(to_ms(timeout), 1)));
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Exchange::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Exchange::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "wkd-health-check");
    if (q.tls_skip_verify) {
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (q.http2) {
      // Cleartext: HTTP/2 from the first byte; TLS: h2 through ALPN.
      curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
      // A connection per exchange: libcurl 7.88 fails the next stream on
      // an HTTP/2 connection a finished exchange left behind ("Error in
      // the HTTP2 framing layer").
      curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    } else {
      // HTTP/1.1 even where TLS could negotiate h2: a check needs no more,
      // and kept-alive connections are then reused safely.
      curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    }
    // The request's own fields; "Expect:" keeps libcurl from waiting for a
    // 100 Continue before a body.
    for (const auto& [name, value] : q.headers) {
      const std::string line = value.empty() ? name + ";" : name + ": " + value;
      header_list = curl_slist_append(header_list, line.c_str());
    }
    header_list = curl_slist_append(header_list, "Expect:");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list);
    if (q.method == "HEAD") {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (q.method != "GET" || !q.body.empty()) {
      if (!q.body.empty() || q.method == "POST" || q.method == "PUT" || q.method == "PATCH") {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, q.body.data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(q.body.size()));
      }
      if (q.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, q.method.c_str());
    }
  }
};

HttpProbes::HttpProbes(uv_loop_s* loop) : loop_(loop) {}

HttpProbes::~HttpProbes() { close(); }

std::uint64_t HttpProbes::exchange(HttpRequest request, Duration timeout, Done done) {
  if (closed_) return 0;
  if (!multi_) multi_ = std::make_unique<CurlMulti>(loop_);
  auto x = std::make_unique<Exchange>();
  x->id = next_id_++;
  x->request = std::move(request);
  x->done = std::move(done);
  x->easy = curl_easy_init();
  if (x->easy == nullptr) throw std::bad_alloc();
  x->configure(timeout);
  Exchange* raw = x.get();
  exchanges_.emplace(raw->id, std::move(x));
  const std::uint64_t id = raw->id;
  multi_->add(raw->easy, [this, id](CURLcode result) { finished(id, static_cast<int>(result)); });
  return id;
}

void HttpProbes::finished(std::uint64_t id, int result) {
  const auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  std::unique_ptr<Exchange> x = std::move(it->second);
  exchanges_.erase(it);
  HttpResponse r = std::move(x->response);
  const auto code = static_cast<CURLcode>(result);
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && x->stopped_reading)) {
    if (r.status == 0) {
      long status = 0;
      curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
      r.status = status;
    }
    r.ok = r.status != 0;
    if (!r.ok) r.error = "no response";
  } else {
    r.ok = false;
    r.error = x->error[0] != '\0' ? std::string(x->error) : std::string(curl_easy_strerror(code));
    // "Couldn't connect to server" says less than the system's reason.
    long os_errno = 0;
    if (code == CURLE_COULDNT_CONNECT && curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK &&
        os_errno != 0) {
      r.error += " (" + std::generic_category().message(static_cast<int>(os_errno)) + ")";
    }
    r.too_many_redirects = code == CURLE_TOO_MANY_REDIRECTS;
  }
  Done done = std::move(x->done);
  x.reset();  // already out of the multi handle
  if (done) done(std::move(r));
}

void HttpProbes::cancel(std::uint64_t id) {
  const auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  multi_->remove(it->second->easy);
  exchanges_.erase(it);
}

void HttpProbes::close() {
  if (closed_) return;
  closed_ = true;
  if (multi_) multi_->close();  // takes every easy handle out first
  exchanges_.clear();
}

}  // namespace wkd::transport
