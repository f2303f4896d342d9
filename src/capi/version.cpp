#include "wkd/version.h"

extern "C" {

WKD_API uint32_t wkd_version_number(void) { return WKD_VERSION_NUMBER; }

WKD_API const char* wkd_version_string(void) { return WKD_VERSION_STRING; }

}
