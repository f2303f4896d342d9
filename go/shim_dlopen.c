//go:build wkd_dlopen

/*
 * The wkd_dlopen mode: libwkd is not linked; wkdg_load() opens it with
 * dlopen and fills a table of function pointers with dlsym, and the
 * wrappers call through the table.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "shim.h"

#define WKDG_FIELD_(ret, name, params, args) ret(*f_##name) params;
#define WKDG_FIELD_VOID_(name, params, args) void(*f_##name) params;
static struct wkdg_table {
  WKDG_FUNCS(WKDG_FIELD_, WKDG_FIELD_VOID_)
} wkdg_fn;

#define WKDG_DEFINE_(ret, name, params, args) \
  ret wkdg_##name params { return wkdg_fn.f_##name args; }
#define WKDG_DEFINE_VOID_(name, params, args) \
  void wkdg_##name params { wkdg_fn.f_##name args; }
WKDG_FUNCS(WKDG_DEFINE_, WKDG_DEFINE_VOID_)

struct wkdg_symbol {
  const char* name;
  void** slot;
};

#define WKDG_SYMBOL_(ret, name, params, args) {"wkd_" #name, (void**)&table.f_##name},
#define WKDG_SYMBOL_VOID_(name, params, args) {"wkd_" #name, (void**)&table.f_##name},

int wkdg_load(const char* path, char* errbuf, size_t errbuf_size) {
  struct wkdg_table table;
  const struct wkdg_symbol symbols[] = {WKDG_FUNCS(WKDG_SYMBOL_, WKDG_SYMBOL_VOID_)};
  size_t i;
  void* lib;
  const char* why;

  dlerror();
  lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    why = dlerror();
    snprintf(errbuf, errbuf_size, "%s", why != NULL ? why : "dlopen failed");
    return -1;
  }
  memset(&table, 0, sizeof table);
  for (i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
    dlerror();
    *symbols[i].slot = dlsym(lib, symbols[i].name);
    if (*symbols[i].slot == NULL) {
      why = dlerror();
      snprintf(errbuf, errbuf_size, "%s: missing symbol %s%s%s", path, symbols[i].name, why != NULL ? ": " : "",
               why != NULL ? why : "");
      dlclose(lib);
      return -1;
    }
  }
  /* Published only when complete; the library is never closed. */
  wkdg_fn = table;
  return 0;
}
