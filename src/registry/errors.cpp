#include "registry/errors.hpp"

namespace wkd::registry {

const char* err_name(Err e) noexcept {
  switch (e) {
    case Err::invalid_argument: return "invalid_argument";
    case Err::too_large: return "too_large";
  }
  return "unknown";
}

}  // namespace wkd::registry
