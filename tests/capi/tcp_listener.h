/*
 * A TCP listener for the C API tests whose checks connect to something:
 * bound to `ip` on a port the system picks, listening. POSIX only.
 */
#ifndef WKD_TESTS_CAPI_TCP_LISTENER_H
#define WKD_TESTS_CAPI_TCP_LISTENER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The listening socket, its port in *port; -1 on error. */
static inline int listen_tcp(const char* ip, unsigned short* port) {
  struct sockaddr_in a;
  socklen_t len = sizeof(a);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  if (inet_pton(AF_INET, ip, &a.sin_addr) != 1 || bind(fd, (struct sockaddr*)&a, sizeof(a)) != 0 ||
      listen(fd, 64) != 0 || getsockname(fd, (struct sockaddr*)&a, &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(a.sin_port);
  return fd;
}

#endif /* WKD_TESTS_CAPI_TCP_LISTENER_H */
