//go:build !wkd_dlopen

/* The default mode: wrappers call libwkd directly (linked with -lwkd). */
#include "shim.h"

#define WKDG_DEFINE_(ret, name, params, args) \
  ret wkdg_##name params { return wkd_##name args; }
#define WKDG_DEFINE_VOID_(name, params, args) \
  void wkdg_##name params { wkd_##name args; }
WKDG_FUNCS(WKDG_DEFINE_, WKDG_DEFINE_VOID_)

int wkdg_load(const char* path, char* errbuf, size_t errbuf_size) {
  (void)path;
  (void)errbuf;
  (void)errbuf_size;
  return 0;
}
