#include "registry/errors.hpp"

namespace wkd::registry {

const char* err_name(Err e) noexcept {
  switch (e) {
    case Err::invalid_argument: return "invalid_argument";
    case Err::too_large: return "too_large";
    case Err::not_found: return "not_found";
    case Err::not_owner: return "not_owner";
    case Err::failed_precondition: return "failed_precondition";
    case Err::already_exists: return "already_exists";
  }
  return "unknown";
}

}  // namespace wkd::registry
