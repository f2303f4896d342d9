#include "agent/metrics.hpp"

#include <cctype>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace wkd::agent {

namespace {

// Label values escape backslash, double quote and newline.
std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class Writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(const char* name, const std::string& labels, std::uint64_t v) {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += ' ';
    out_ += std::to_string(v);
    out_ += '\n';
  }
  void one(const char* name, const char* type, const char* help, std::uint64_t v) {
    family(name, type, help);
    sample(name, "", v);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// How each WKD_STATS_MAP field is exposed: as its own metric, or as one
// labelled sample of a family (family_help set on the family's first row).
// The TYPE line follows the field's kind in the list. A field the list
// gains must get a row here: the static_asserts below fail otherwise.
struct StatMetric {
  const char* field;
  const char* metric;       // nullptr: not exported (drops_total is the sum of the reasons)
  const char* label;        // nullptr: an unlabelled metric
  const char* family_help;  // labelled families: the family's HELP, on its first row
};

constexpr StatMetric kStatMetrics[] = {
    {"packets_in", "wkd_packets_received_total", nullptr, nullptr},
    {"packets_out", "wkd_packets_sent_total", nullptr, nullptr},
    {"bytes_in", "wkd_bytes_received_total", nullptr, nullptr},
    {"bytes_out", "wkd_bytes_sent_total", nullptr, nullptr},
    {"streams_in", "wkd_streams_accepted_total", nullptr, nullptr},
    {"streams_out", "wkd_streams_dialled_total", nullptr, nullptr},
    {"drops_total", nullptr, nullptr, nullptr},
    {"drops_malformed", "wkd_dropped_total", "reason=\"malformed\"", "Inbound messages dropped, by reason."},
    {"drops_decrypt", "wkd_dropped_total", "reason=\"decrypt\"", nullptr},
    {"drops_checksum", "wkd_dropped_total", "reason=\"checksum\"", nullptr},
    {"drops_label", "wkd_dropped_total", "reason=\"label\"", nullptr},
    {"drops_unknown_type", "wkd_dropped_total", "reason=\"unknown_type\"", nullptr},
    {"drops_oversized", "wkd_dropped_total", "reason=\"oversized\"", nullptr},
    {"drops_queue_full", "wkd_dropped_total", "reason=\"queue_full\"", nullptr},
    {"drops_socket", "wkd_dropped_total", "reason=\"socket\"", nullptr},
    {"probes", "wkd_probes_total", nullptr, nullptr},
    {"probe_failures", "wkd_probe_failures_total", nullptr, nullptr},
    {"indirect_probes", "wkd_indirect_probes_total", nullptr, nullptr},
    {"suspicions", "wkd_suspicions_total", nullptr, nullptr},
    {"refutations", "wkd_refutations_total", nullptr, nullptr},
    {"push_pulls", "wkd_push_pulls_total", nullptr, nullptr},
    {"gossip_messages", "wkd_gossip_messages_total", nullptr, nullptr},
    // members_alive counts the leaving ones too: the sample is alive minus
    // leaving, and a "leaving" sample follows (prometheus_text).
    {"members_alive", "wkd_members", "state=\"alive\"", "Other members by state, as this node sees them."},
    {"members_suspect", "wkd_members", "state=\"suspect\"", nullptr},
    {"members_failed", "wkd_members", "state=\"failed\"", nullptr},
    {"members_left", "wkd_members", "state=\"left\"", nullptr},
    {"health_score", "wkd_awareness", nullptr, nullptr},
    {"incarnation", "wkd_incarnation", nullptr, nullptr},
};

constexpr bool same(const char* a, const char* b) { return std::string_view(a) == std::string_view(b); }

constexpr std::size_t metric_index(const char* field) {
  for (std::size_t i = 0; i < std::size(kStatMetrics); ++i) {
    if (same(kStatMetrics[i].field, field)) return i;
  }
  return std::size(kStatMetrics);
}

#define WKD_AGENT_STAT_COVERED_(type, name, kind, help)                                        \
  static_assert(metric_index(#name) < std::size(kStatMetrics),                                 \
                "wkd_stats field " #name " (WKD_STATS_MAP) has no row in kStatMetrics");
WKD_STATS_MAP(WKD_AGENT_STAT_COVERED_)
#undef WKD_AGENT_STAT_COVERED_
#define WKD_AGENT_STAT_ONE_(type, name, kind, help) +1
static_assert(std::size(kStatMetrics) == 0 WKD_STATS_MAP(WKD_AGENT_STAT_ONE_),
              "kStatMetrics has a row for a field WKD_STATS_MAP no longer lists");
#undef WKD_AGENT_STAT_ONE_

// The node's counters, in WKD_STATS_MAP's order, each with the list's help
// text (capitalised, with a full stop) and kind.
void write_stats(Writer& w, const runtime::NodeStats& s) {
  runtime::for_each_stat(s, [&](const char* field, std::uint64_t v, const char* help, bool counter) {
    const StatMetric& m = kStatMetrics[metric_index(field)];
    if (m.metric == nullptr) return;
    const char* type = counter ? "counter" : "gauge";
    if (m.label == nullptr) {
      std::string text = help;
      if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
      w.one(m.metric, type, (text + ".").c_str(), v);
      return;
    }
    if (m.family_help != nullptr) w.family(m.metric, type, m.family_help);
    if (same(field, "members_alive")) {
      w.sample(m.metric, m.label, v - s.members_leaving);
      w.sample(m.metric, "state=\"leaving\"", s.members_leaving);
      return;
    }
    w.sample(m.metric, m.label, v);
  });
}

// The service registry: instances by status (every status, zero too, so a
// series never vanishes), services, checks and replication.
void write_registry(Writer& w, const RegistryFigures& r) {
  w.family("wkd_registry_instances", "gauge",
           "Service instances in this node's view, by status (DEREGISTERED: tombstones kept for audit).");
  for (std::size_t i = 0; i < r.instances_by_status.size(); ++i) {
    const char* name = registry::status_name(static_cast<registry::InstanceStatus>(i));
    w.sample("wkd_registry_instances", std::string("status=\"") + name + "\"", r.instances_by_status[i]);
  }
  w.one("wkd_registry_services", "gauge", "Services with at least one instance not deregistered.", r.services);
  w.one("wkd_health_checks_run_total", "counter", "Instance checks started by this node's checker.", r.checks.runs);
  w.one("wkd_health_check_results_total", "counter", "Instance check results that came back in time.",
        r.checks.results);
  w.one("wkd_health_status_changes_total", "counter", "Check results that moved an instance's status.",
        r.checks.status_changes);
  w.one("wkd_health_deregistrations_total", "counter",
        "Instances deregistered after staying critical past deregisterCriticalAfterMs.", r.checks.deregistrations);
  w.one("wkd_registry_records_sent_total", "counter", "Registry records sent to other members.",
        r.replica.records_sent);
  w.one("wkd_registry_records_received_total", "counter", "Registry records received from other members.",
        r.replica.records_received);
  w.one("wkd_registry_bytes_sent_total", "counter", "Bytes of registry messages sent, before framing.",
        r.replica.bytes_sent);
  w.one("wkd_registry_bytes_received_total", "counter", "Bytes of registry messages received, before framing.",
        r.replica.bytes_received);
  w.family("wkd_registry_dropped_total", "counter", "Registry messages or records dropped, by reason.");
  w.sample("wkd_registry_dropped_total", "reason=\"malformed\"", r.replica.decode_errors);
  w.sample("wkd_registry_dropped_total", "reason=\"refused\"", r.replica.refused);
  w.one("wkd_registry_pull_failures_total", "counter", "Pulls of registry records from an owner that failed.",
        r.replica.pull_failures);
}

}  // namespace

bool collect_registry_figures(runtime::Node& node, RegistryFigures* out) {
  const std::shared_ptr<const runtime::View> view = node.view();
  if (view && view->services) {
    for (const auto& [key, rec] : view->services->instances) {
      const auto i = static_cast<std::size_t>(rec->status);
      if (i < out->instances_by_status.size()) ++out->instances_by_status[i];
    }
    out->services = view->services->services().size();
  }
  auto checks = node.health_stats();
  auto replica = node.registry_stats();
  if (!checks || !replica) return false;
  out->checks = *checks;
  out->replica = *replica;
  return true;
}

std::string prometheus_text(const MetricsInputs& in) {
  const runtime::NodeStats& s = in.stats;
  Writer w;
  w.family("wkd_agent_info", "gauge", "Constant 1, labelled with the node name and the wkd version.");
  w.sample("wkd_agent_info", "node=\"" + label_value(in.node) + "\",version=\"" + label_value(in.version) + "\"", 1);

  write_stats(w, s);
  w.one("wkd_awareness_max", "gauge", "The awareness score's maximum multiplier.",
        static_cast<std::uint64_t>(in.awareness_max));
  w.one("wkd_http_requests_total", "counter", "HTTP API requests answered.", in.http_requests);
  w.one("wkd_http_connections", "gauge", "Open HTTP API connections.", in.http_connections);
  if (in.has_registry) write_registry(w, in.registry);
  return w.take();
}

}  // namespace wkd::agent
