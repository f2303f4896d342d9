/*
 * wkd/version.h - library version, at compile time and at run time.
 *
 * WKD_VERSION_NUMBER is MAJOR * 1000000 + MINOR * 1000 + PATCH. Compare it
 * with wkd_version_number() when loading the library: the ABI is stable
 * within a major version, so a binding built against major M refuses to run
 * on another major.
 *
 * This header is the single source of the version: CMake parses the three
 * macros below.
 */
#ifndef WKD_VERSION_H
#define WKD_VERSION_H

#include "wkd/common.h"

#define WKD_VERSION_MAJOR 0
#define WKD_VERSION_MINOR 1
#define WKD_VERSION_PATCH 0

#define WKD_VERSION_NUMBER (WKD_VERSION_MAJOR * 1000000 + WKD_VERSION_MINOR * 1000 + WKD_VERSION_PATCH)

#define WKD_STRINGIFY_(x) #x
#define WKD_STRINGIFY(x) WKD_STRINGIFY_(x)
/** "0.1.0" */
#define WKD_VERSION_STRING \
  WKD_STRINGIFY(WKD_VERSION_MAJOR) "." WKD_STRINGIFY(WKD_VERSION_MINOR) "." WKD_STRINGIFY(WKD_VERSION_PATCH)

WKD_BEGIN_DECL

/**
 * The version number of the library linked at run time.
 * @return MAJOR * 1000000 + MINOR * 1000 + PATCH.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API uint32_t wkd_version_number(void);

/**
 * The version of the library linked at run time, as "MAJOR.MINOR.PATCH".
 * @ownership Static storage; never free it.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API const char* wkd_version_string(void);

WKD_END_DECL

#endif /* WKD_VERSION_H */
