#include "agent/registrations.hpp"

#include <nlohmann/json.hpp>

namespace wkd::agent {

namespace {

constexpr int kFormat = 1;
using Json = nlohmann::json;

SnapshotResult<Registrations> corrupt(const std::string& what) {
  return SnapshotResult<Registrations>::fail(SnapshotErr::corrupt, what);
}

}  // namespace

std::string encode_registrations(const Registrations& r) {
  Json list = Json::array();
  for (const auto& [key, body] : r) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_object()) list.push_back(std::move(j));
  }
  Json doc = {{"format", kFormat}, {"registrations", std::move(list)}};
  return doc.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

SnapshotResult<Registrations> decode_registrations(const std::string& text) {
  auto parsed = parse_state_object(text);
  if (!parsed.ok()) return corrupt(parsed.message());
  Json j = std::move(parsed).value();
  const auto format = j.find("format");
  if (format == j.end() || !format->is_number_integer() || format->get<std::int64_t>() != kFormat) {
    return corrupt("format: not 1");
  }
  const auto list = j.find("registrations");
  if (list == j.end() || !list->is_array()) return corrupt("registrations: not an array");
  Registrations out;
  std::size_t i = 0;
  for (const auto& body : *list) {
    const std::string at = "registrations[" + std::to_string(i++) + "]";
    if (!body.is_object()) return corrupt(at + ": not an object");
    const auto service = body.find("serviceName");
    const auto id = body.find("instanceId");
    if (service == body.end() || !service->is_string() || id == body.end() || !id->is_string()) {
      return corrupt(at + ": no serviceName and instanceId");
    }
    out[registry::InstanceKey{service->get<std::string>(), id->get<std::string>()}] = body.dump();
  }
  return out;
}

}  // namespace wkd::agent
