#include "registry/instance.hpp"

#include "registry/dependency.hpp"

namespace wkd::registry {

Status validate_instance(const Instance& in) {
  if (auto st = check_service_name("serviceName", in.service); !st) return st;
  if (auto st = check_instance_id("instanceId", in.id); !st) return st;
  if (auto st = check_host("host", in.host); !st) return st;
  if (auto st = check_port("port", in.port); !st) return st;
  if (auto st = check_protocol("protocol", in.protocol); !st) return st;
  if (auto st = check_version("version", in.version); !st) return st;
  if (auto st = check_tags("tags", in.tags); !st) return st;
  if (auto st = check_metadata("metadata", in.metadata); !st) return st;
  if (auto st = check_weight("weight", in.weight); !st) return st;
  if (auto st = check_label("region", in.region); !st) return st;
  if (auto st = check_label("zone", in.zone); !st) return st;
  if (auto st = check_url("healthCheckUrl", in.health_check_url); !st) return st;
  if (auto st = check_url("metricsUrl", in.metrics_url); !st) return st;
  return {};
}

std::string key_text(const InstanceKey& k) {
  if (k.kind == RecordKind::dependency) return "dependency " + k.service + " -> " + k.id;
  return "instance " + k.service + "/" + k.id;
}

Status validate_record(const Instance& r) {
  if (r.kind == RecordKind::instance) {
    if (r.dependency) return invalid("dependency: an instance carries no dependency terms");
    return validate_instance(r);
  }
  if (r.kind != RecordKind::dependency) return invalid("kind: neither an instance nor a dependency");
  if (!r.dependency) return invalid("dependency: a dependency record without its terms");
  if (auto st = validate_dependency(*r.dependency); !st) return st;
  if (r.dependency->service != r.service || r.dependency->depends_on != r.id) {
    return invalid("dependency: its key " + r.service + "/" + r.id + " is not its serviceName/dependsOn " +
                   r.dependency->service + "/" + r.dependency->depends_on);
  }
  return {};
}

bool apply_check(Instance& in, CheckState check, std::int64_t now_ms) {
  if (is_terminal(in.status)) return false;
  const InstanceStatus status = status_after_check(in.status, check);
  const bool changed = status != in.status || check != in.check_state;
  in.status = status;
  in.check_state = check;
  in.last_check_ms = now_ms;
  in.consecutive_failures = check == CheckState::critical ? in.consecutive_failures + 1 : 0;
  return changed;
}

bool same_registration(const Instance& a, const Instance& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == RecordKind::dependency) {
    return a.dependency && b.dependency && *a.dependency == *b.dependency;
  }
  return a.service == b.service && a.id == b.id && a.host == b.host && a.port == b.port &&
         a.protocol == b.protocol && a.version == b.version && a.tags == b.tags && a.metadata == b.metadata &&
         a.weight == b.weight && a.region == b.region && a.zone == b.zone &&
         a.health_check_url == b.health_check_url && a.metrics_url == b.metrics_url;
}

}  // namespace wkd::registry
