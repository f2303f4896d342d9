/*
 * Runs against libwkd.so as a C99 program: the version functions agree
 * with the header, every status has a distinct name and a text, unknown
 * statuses are named as such, and the init helpers fill struct_size.
 */
#include <stdio.h>
#include <string.h>
#include <wkd.h>

#include "check.h"

int main(void) {
  static const wkd_status all[] = {
#define ALL_(name, value, text) WKD_##name,
      WKD_STATUS_MAP(ALL_)
#undef ALL_
  };
  size_t n = sizeof(all) / sizeof(all[0]);
  size_t i, j;
  wkd_error err;
  wkd_registration reg;

  CHECK(wkd_version_number() == WKD_VERSION_NUMBER);
  CHECK(strcmp(wkd_version_string(), WKD_VERSION_STRING) == 0);

  for (i = 0; i < n; i++) {
    CHECK(strncmp(wkd_status_name(all[i]), "WKD_", 4) == 0);
    CHECK(strlen(wkd_status_str(all[i])) > 0);
    for (j = i + 1; j < n; j++) CHECK(strcmp(wkd_status_name(all[i]), wkd_status_name(all[j])) != 0);
  }
  CHECK(strcmp(wkd_status_name(WKD_E_TIMEOUT), "WKD_E_TIMEOUT") == 0);
  CHECK(strcmp(wkd_status_str(WKD_E_TIMEOUT), "operation timed out") == 0);
  CHECK(strcmp(wkd_status_name((wkd_status)12345), "WKD_E_UNKNOWN") == 0);
  CHECK(strcmp(wkd_status_str((wkd_status)12345), "unknown status") == 0);

  memset(&err, 0x5a, sizeof err);
  wkd_error_init(&err);
  CHECK(err.struct_size == sizeof(wkd_error) && err.status == 0 && err.message[0] == 0);
  wkd_error_init(NULL);

  memset(&reg, 0x5a, sizeof reg);
  wkd_registration_init(&reg, sizeof reg);
  CHECK(reg.struct_size == sizeof reg && reg.database_type == NULL && reg.n_groups == 0 && reg.tags == NULL);

  if (failures == 0) printf("status_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
