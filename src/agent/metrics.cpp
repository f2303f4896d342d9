#include "agent/metrics.hpp"

#include <cstdint>

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

}  // namespace

std::string prometheus_text(const MetricsInputs& in) {
  const runtime::NodeStats& s = in.stats;
  Writer w;
  w.family("wkd_agent_info", "gauge", "Constant 1, labelled with the node name and the wkd version.");
  w.sample("wkd_agent_info", "node=\"" + label_value(in.node) + "\",version=\"" + label_value(in.version) + "\"", 1);

  w.one("wkd_packets_received_total", "counter", "UDP datagrams received.", s.packets_in);
  w.one("wkd_packets_sent_total", "counter", "UDP datagrams sent.", s.packets_out);
  w.one("wkd_bytes_received_total", "counter", "Bytes received over UDP and TCP.", s.bytes_in);
  w.one("wkd_bytes_sent_total", "counter", "Bytes sent over UDP and TCP.", s.bytes_out);
  w.one("wkd_streams_accepted_total", "counter", "TCP streams accepted (push/pull, TCP pings).", s.streams_in);
  w.one("wkd_streams_dialled_total", "counter", "TCP streams dialled.", s.streams_out);

  w.family("wkd_dropped_total", "counter", "Inbound messages dropped, by reason.");
  w.sample("wkd_dropped_total", "reason=\"malformed\"", s.drops_malformed);
  w.sample("wkd_dropped_total", "reason=\"decrypt\"", s.drops_decrypt);
  w.sample("wkd_dropped_total", "reason=\"checksum\"", s.drops_checksum);
  w.sample("wkd_dropped_total", "reason=\"label\"", s.drops_label);
  w.sample("wkd_dropped_total", "reason=\"unknown_type\"", s.drops_unknown_type);
  w.sample("wkd_dropped_total", "reason=\"oversized\"", s.drops_oversized);
  w.sample("wkd_dropped_total", "reason=\"queue_full\"", s.drops_queue_full);
  w.sample("wkd_dropped_total", "reason=\"socket\"", s.drops_socket);

  w.one("wkd_probes_total", "counter", "Failure-detector probes started.", s.probes);
  w.one("wkd_probe_failures_total", "counter", "Probes that got no ack.", s.probe_failures);
  w.one("wkd_indirect_probes_total", "counter", "Indirect probe requests sent.", s.indirect_probes);
  w.one("wkd_suspicions_total", "counter", "Members this node suspected.", s.suspicions);
  w.one("wkd_refutations_total", "counter", "Times this node refuted a suspicion of itself.", s.refutations);
  w.one("wkd_push_pulls_total", "counter", "Push/pull state exchanges.", s.push_pulls);
  w.one("wkd_gossip_messages_total", "counter", "Gossip messages sent.", s.gossip_messages);

  w.family("wkd_members", "gauge", "Other members by state, as this node sees them.");
  w.sample("wkd_members", "state=\"alive\"", s.members_alive - s.members_leaving);
  w.sample("wkd_members", "state=\"leaving\"", s.members_leaving);
  w.sample("wkd_members", "state=\"suspect\"", s.members_suspect);
  w.sample("wkd_members", "state=\"failed\"", s.members_failed);
  w.sample("wkd_members", "state=\"left\"", s.members_left);

  w.one("wkd_awareness", "gauge", "Lifeguard local health score (0 is healthy).", s.health_score);
  w.one("wkd_awareness_max", "gauge", "The awareness score's maximum multiplier.",
        static_cast<std::uint64_t>(in.awareness_max));
  w.one("wkd_incarnation", "gauge", "This node's incarnation number.", s.incarnation);
  w.one("wkd_http_requests_total", "counter", "HTTP API requests answered.", in.http_requests);
  w.one("wkd_http_connections", "gauge", "Open HTTP API connections.", in.http_connections);
  return w.take();
}

}  // namespace wkd::agent
