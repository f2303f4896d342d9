// wkd/status.h: status names and texts, error struct initialisation.
#include <cstring>

#include "capi/guard.hpp"
#include "wkd/status.h"

extern "C" {

WKD_API void wkd_error_init(wkd_error* err) {
  if (err == nullptr) return;
  std::memset(err, 0, sizeof(*err));
  err->struct_size = sizeof(wkd_error);
}

WKD_API const char* wkd_status_name(wkd_status status) {
  switch (wkd::capi::raw_enum(status)) {
#define WKD_CAPI_STATUS_NAME_(name, value, text) \
  case WKD_##name:                               \
    return "WKD_" #name;
    WKD_STATUS_MAP(WKD_CAPI_STATUS_NAME_)
#undef WKD_CAPI_STATUS_NAME_
  }
  return "WKD_E_UNKNOWN";
}

WKD_API const char* wkd_status_str(wkd_status status) {
  switch (wkd::capi::raw_enum(status)) {
#define WKD_CAPI_STATUS_STR_(name, value, text) \
  case WKD_##name:                              \
    return text;
    WKD_STATUS_MAP(WKD_CAPI_STATUS_STR_)
#undef WKD_CAPI_STATUS_STR_
  }
  return "unknown status";
}

}  // extern "C"
