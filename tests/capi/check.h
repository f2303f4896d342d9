/*
 * What every C API test program shares: CHECK (counts a failed condition
 * and says where), a monotonic clock in seconds and a sleep in
 * milliseconds. Each test program is one translation unit, so the
 * counter is static here.
 */
#ifndef WKD_TESTS_CAPI_CHECK_H
#define WKD_TESTS_CAPI_CHECK_H

#include <stdio.h>
#include <time.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 200809L
static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void sleep_ms(int ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}
#endif

#endif /* WKD_TESTS_CAPI_CHECK_H */
