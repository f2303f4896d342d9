// Responses as values and as bytes: reason phrases, JSON error bodies and
// the HTTP/1.1 status line and headers the server writes.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "agent/http_codec.hpp"
#include "agent/http_server.hpp"

namespace wkd::agent::http {

namespace {

bool has_ctl(std::string_view s) noexcept {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

bool equals_nocase(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool server_owned(std::string_view name) noexcept {
  return equals_nocase(name, "content-length") || equals_nocase(name, "transfer-encoding") ||
         equals_nocase(name, "connection");
}

}  // namespace

const char* reason_phrase(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

Response Response::error(int status, std::string_view message) {
  Response r;
  r.status = status;
  // Invalid UTF-8 is replaced rather than thrown on.
  const std::string text = nlohmann::json(std::string(message)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.body = "{\"error\": " + text + "}";
  return r;
}

std::string serialize(const Response& r, const WireOptions& opts) {
  const bool no_body = (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304;
  std::string out;
  out.reserve(128 + r.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += reason_phrase(r.status);
  out += "\r\n";
  if (!r.content_type.empty() && !has_ctl(r.content_type) && !no_body) {
    out += "Content-Type: ";
    out += r.content_type;
    out += "\r\n";
  }
  if (!no_body) {
    out += "Content-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || has_ctl(name) || has_ctl(value) || name.find(':') != std::string::npos ||
        server_owned(name)) {
      continue;
    }
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (opts.close) {
    out += "Connection: close\r\n";
  } else if (opts.keep_alive_header) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!no_body && !opts.head) out += r.body;
  return out;
}

}  // namespace wkd::agent::http
