/*
 * service_discovery: one node registers an "orders" instance with an HTTP
 * health check against the small HTTP server this program runs; a second
 * node discovers the instance once the check has passed, selects it, and
 * calls it. Exits 0 on success, 1 on any error or after 30 s.
 *
 *   cc -std=c99 service_discovery.c -o service_discovery -lpthread \
 *      $(pkg-config --cflags --libs wkd)
 *   ./service_discovery 127.0.0.2 127.0.0.3
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <wkd.h>

/* The service's own HTTP server: every request gets 200 "ok". */
static void* serve(void* arg) {
  int listener = *(int*)arg;
  for (;;) {
    char buf[1024];
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) return NULL; /* the listener was shut down */
    if (read(fd, buf, sizeof buf) > 0 && write(fd, reply, sizeof reply - 1) < 0) perror("write");
    close(fd);
  }
}

/* A listening socket on ip, port chosen by the system; -1 on error. */
static int listen_on(const char* ip, unsigned* port) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  if (fd < 0 || inet_pton(AF_INET, ip, &a.sin_addr) != 1 || bind(fd, (struct sockaddr*)&a, sizeof a) != 0 ||
      listen(fd, 16) != 0 || getsockname(fd, (struct sockaddr*)&a, &len) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  *port = ntohs(a.sin_port);
  return fd;
}

static wkd_node_t* start_node(const char* name, const char* ip, wkd_error* err) {
  char bind_addr[64];
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  snprintf(bind_addr, sizeof bind_addr, "%s:0", ip);
  if (wkd_config_new(&cfg, WKD_PRESET_LOCAL, err) == WKD_OK &&
      wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, name, err) == WKD_OK &&
      wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, bind_addr, err) == WKD_OK &&
      wkd_node_create(&node, cfg, err) == WKD_OK && wkd_node_start(node, err) != WKD_OK) {
    wkd_node_free(node);
    node = NULL;
  }
  wkd_config_free(cfg);
  return node;
}

static void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

int main(int argc, char** argv) {
  wkd_error err = WKD_ERROR_INIT;
  wkd_node_t* server;
  wkd_node_t* client;
  char seed[64], health_url[96];
  const char* seeds[1];
  wkd_check check = WKD_CHECK_INIT;
  wkd_service svc = WKD_SERVICE_INIT;
  pthread_t http_thread;
  unsigned port = 0;
  int listener, i, rc = 1;

  if (argc != 3) {
    fprintf(stderr, "usage: %s IP_A IP_B (loopback addresses)\n", argv[0]);
    return 2;
  }
  listener = listen_on(argv[1], &port);
  if (listener < 0 || pthread_create(&http_thread, NULL, serve, &listener) != 0) {
    perror("service_discovery: HTTP server");
    return 1;
  }
  server = start_node("orders-node", argv[1], &err);
  client = start_node("client-node", argv[2], &err);
  if (server == NULL || client == NULL) {
    fprintf(stderr, "service_discovery: %s\n", err.message);
    return 1;
  }

  /* The instance, checked every second on its owner's loop. */
  snprintf(health_url, sizeof health_url, "http://%s:%u/health", argv[1], port);
  check.kind = WKD_CHECK_KIND_HTTP;
  check.target = health_url;
  check.interval_ms = 1000;
  check.timeout_ms = 500;
  svc.service_name = "orders";
  svc.instance_id = "orders-1";
  svc.host = argv[1];
  svc.port = (uint16_t)port;
  svc.checks = &check;
  svc.n_checks = 1;
  if (wkd_service_self_register(server, &svc, &err) != WKD_OK) {
    fprintf(stderr, "register: %s\n", err.message);
    goto out;
  }

  if (wkd_node_local_addr(seed, sizeof seed, NULL, server, &err) != WKD_OK) goto out;
  seeds[0] = seed;
  if (wkd_node_join(NULL, client, seeds, 1, 5000, &err) != WKD_OK) {
    fprintf(stderr, "join: %s\n", err.message);
    goto out;
  }

  /* The client selects once the instance has turned HEALTHY. */
  for (i = 0; i < 300; i++) {
    wkd_lease_t* lease = NULL;
    if (wkd_node_select(&lease, client, "orders", NULL, NULL) == WKD_OK) {
      char url[128];
      wkd_instance_info in = WKD_INSTANCE_INFO_INIT;
      wkd_lease_url(url, sizeof url, lease, "http", NULL);
      wkd_lease_instance(&in, lease, NULL);
      printf("selected %s/%s at %s (owner %s, %s)\n", in.service_name, in.instance_id, url, in.owner,
             wkd_instance_status_name(in.status));
      wkd_lease_release(lease, WKD_CALL_SUCCESS, NULL);
      rc = 0;
      break;
    }
    sleep_ms(100);
  }
  if (rc != 0) fprintf(stderr, "service_discovery: no healthy instance within 30 s\n");

out:
  /* Leaving deregisters the self-registered instance first. */
  wkd_node_leave(server, 2000, NULL);
  wkd_node_leave(client, 2000, NULL);
  wkd_node_free(client);
  wkd_node_free(server);
  shutdown(listener, SHUT_RDWR);
  close(listener);
  pthread_join(http_thread, NULL);
  return rc;
}
