// Query filters and outstanding-query bookkeeping (see query.hpp).
#include "serf/query.hpp"

#include <regex>
#include <utility>

namespace wkd::serf {

bool is_internal_query(std::string_view name) noexcept {
  return name.substr(0, kInternalQueryPrefix.size()) == kInternalQueryPrefix;
}

bool is_key_query(std::string_view name) noexcept {
  return name == kQueryInstallKey || name == kQueryUseKey || name == kQueryRemoveKey ||
         name == kQueryListKeys;
}

std::vector<wire::QueryFilter> encode_filters(const QueryParams& p) {
  std::vector<wire::QueryFilter> out;
  if (!p.filter_nodes.empty()) out.emplace_back(wire::NodeFilter{p.filter_nodes});
  for (const auto& [tag, expr] : p.filter_tags) out.emplace_back(wire::TagFilter{tag, expr});
  return out;
}

namespace {

void warn(LogSink& log, const std::string& line) {
  if (LogLevel::warn >= log.min_level()) log.log(LogLevel::warn, "serf: " + line);
}

// Go's regexp.MatchString: true if the expression matches anywhere.
bool regex_matches(const std::string& expr, const std::string& value, LogSink& log) {
  try {
    const std::regex re(expr, std::regex::ECMAScript);
    return std::regex_search(value, re);
  } catch (const std::regex_error& e) {
    warn(log, "failed to compile filter regex (" + expr + "): " + e.what());
    return false;
  }
}

}  // namespace

bool should_process(const std::vector<wire::QueryFilter>& filters, std::string_view self_name,
                    const wire::Tags& self_tags, LogSink& log) {
  for (const auto& f : filters) {
    if (const auto* nodes = std::get_if<wire::NodeFilter>(&f)) {
      bool found = false;
      for (const auto& n : nodes->names) found = found || n == self_name;
      if (!found) return false;
    } else if (const auto* tag = std::get_if<wire::TagFilter>(&f)) {
      auto it = self_tags.find(tag->tag);
      const std::string value = it == self_tags.end() ? std::string() : it->second;
      if (!regex_matches(tag->expr, value, log)) return false;
    } else {
      const auto& unknown = std::get<wire::UnknownFilter>(f);
      warn(log, "query has unrecognized filter type: " + std::to_string(unknown.type));
      return false;
    }
  }
  return true;
}

void QueryTracker::add(LamportTime ltime, std::uint32_t id, TimePoint deadline, bool want_acks,
                       QueryHandlers h) {
  Pending p;
  p.id = id;
  p.deadline = deadline;
  p.want_acks = want_acks;
  p.handlers = std::move(h);
  pending_.insert_or_assign(ltime, std::move(p));
}

bool QueryTracker::on_response(TimePoint now, const wire::SerfQueryResponse& r, std::string* why) {
  auto it = pending_.find(r.ltime);
  if (it == pending_.end()) {
    if (why) {
      *why = "reply for non-running query (LTime: " + std::to_string(r.ltime) +
             ", ID: " + std::to_string(r.id) + ") From: " + r.from;
    }
    return false;
  }
  Pending& p = it->second;
  if (p.id != r.id) {
    if (why) {
      *why = "query reply ID mismatch (Local: " + std::to_string(p.id) +
             ", Response: " + std::to_string(r.id) + ")";
    }
    return false;
  }
  if (now > p.deadline) return false;
  if (r.flags & wire::kQueryFlagAck) {
    if (!p.want_acks || !p.acks.insert(r.from).second) return false;
    if (p.handlers.on_ack) p.handlers.on_ack(r.from);
  } else {
    if (!p.responses.insert(r.from).second) return false;
    if (p.handlers.on_response) p.handlers.on_response(r.from, r.payload ? ByteView(*r.payload) : ByteView());
  }
  return true;
}

void QueryTracker::expire(TimePoint now) {
  std::vector<std::function<void()>> done;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      done.push_back(std::move(it->second.handlers.on_done));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& d : done) {
    if (d) d();
  }
}

TimePoint QueryTracker::next_deadline() const noexcept {
  TimePoint next = TimePoint::max();
  for (const auto& [ltime, p] : pending_) next = std::min(next, p.deadline);
  return next;
}

}  // namespace wkd::serf
