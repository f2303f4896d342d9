/* A program built against an installed libwkd, as a user would build it. */
#include <stdio.h>
#include <string.h>
#include <wkd.h>

int main(void) {
  if (wkd_version_number() != WKD_VERSION_NUMBER) {
    fprintf(stderr, "header %s but library %s\n", WKD_VERSION_STRING, wkd_version_string());
    return 1;
  }
  if (strcmp(wkd_status_name(WKD_E_CLOSED), "WKD_E_CLOSED") != 0) return 1;
  printf("consumer: linked wkd %s\n", wkd_version_string());
  return 0;
}
