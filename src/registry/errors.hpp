// The registry layer's failures: one code for "the input is wrong" (the
// message names the field and what was wrong with it), one for "the input
// is over a documented size limit", and the store's refusals: no such
// instance, an instance another node owns (the message names the owner),
// an operation the record's state does not allow, and a record that exists
// already with other terms (a dependency declared twice).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "common/result.hpp"

namespace wkd::registry {

enum class Err : std::uint8_t {
  invalid_argument,
  too_large,
  not_found,
  not_owner,
  failed_precondition,
  already_exists,
};

using Status = wkd::Status<Err>;
template <class T>
using Result = wkd::Result<T, Err>;

inline Failure<Err> fail(Err code, std::string message) { return Failure<Err>{code, std::move(message)}; }
inline Failure<Err> invalid(std::string message) { return fail(Err::invalid_argument, std::move(message)); }

const char* err_name(Err e) noexcept;

}  // namespace wkd::registry
