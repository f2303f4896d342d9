#include "wire/errors.hpp"

namespace wkd::wire {

const char* err_name(Err e) noexcept {
  switch (e) {
#define WKD_WIRE_ERR_NAME(name, text) \
  case Err::name:                     \
    return #name;
    WKD_WIRE_ERR_MAP(WKD_WIRE_ERR_NAME)
#undef WKD_WIRE_ERR_NAME
  }
  return "unknown";
}

const char* err_text(Err e) noexcept {
  switch (e) {
#define WKD_WIRE_ERR_TEXT(name, text) \
  case Err::name:                     \
    return text;
    WKD_WIRE_ERR_MAP(WKD_WIRE_ERR_TEXT)
#undef WKD_WIRE_ERR_TEXT
  }
  return "unknown";
}

}  // namespace wkd::wire
