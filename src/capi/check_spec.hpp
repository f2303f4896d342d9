// Reading wkd_check definitions (wkd/check.h) into health::CheckSpec, for
// wkd_service_register and wkd_node_check_add.
#pragma once

#include <vector>

#include "health/check.hpp"
#include "wkd/check.h"
#include "wkd/status.h"

namespace wkd::capi {

// The most checks one instance may have.
inline constexpr std::size_t kMaxChecks = 32;

// Reads `n` checks at `checks`, each element the caller's sizeof(wkd_check)
// long (the first element's struct_size; every element must carry the
// same). Refusals name checks[i] and the field; the registry's own rules
// (bounds, ids) are judged later by the node.
wkd_status read_checks(const wkd_check* checks, std::size_t n, std::vector<health::CheckSpec>* out, wkd_error* err);
// Reads one check (its struct_size the caller's sizeof(wkd_check));
// refusals name the field alone ("interval_ms: ...").
wkd_status read_one_check(const wkd_check* check, health::CheckSpec* out, wkd_error* err);

}  // namespace wkd::capi
