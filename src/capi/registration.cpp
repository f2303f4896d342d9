// wkd/registration.h: struct initialisation for FFIs.
#include <cstring>

#include "wkd/registration.h"

extern "C" {

WKD_API void wkd_registration_init(wkd_registration* reg, size_t struct_size) {
  if (reg == nullptr) return;
  const size_t n = struct_size < sizeof(wkd_registration) ? struct_size : sizeof(wkd_registration);
  if (n < sizeof(reg->struct_size)) return;
  std::memset(reg, 0, n);
  reg->struct_size = static_cast<uint32_t>(n);
}

}  // extern "C"
