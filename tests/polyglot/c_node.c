/*
 * The C node of the four-language test (tests/polyglot/README.md): one wkd
 * node driven by lines on stdin, reporting every member and user event as
 * one JSON object per line on stdout.
 *
 *   wkd_polyglot_node --name c-1 --bind 127.0.0.5:0 --lang c [--join IP:PORT]...
 *
 * Single-threaded: the events come through pulled watches whose
 * descriptors are polled beside stdin, so nothing runs on the loop thread.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wkd.h>

#define MAX_SEEDS 8

typedef struct options {
  const char* name;
  const char* bind;
  const char* lang;
  const char* seeds[MAX_SEEDS];
  size_t n_seeds;
} options;

/* ---- JSON output ---- */

static void put_json_string(const char* s) {
  putchar('"');
  for (; *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;
    switch (c) {
      case '"': fputs("\\\"", stdout); break;
      case '\\': fputs("\\\\", stdout); break;
      case '\n': fputs("\\n", stdout); break;
      case '\r': fputs("\\r", stdout); break;
      case '\t': fputs("\\t", stdout); break;
      default:
        if (c < 0x20) {
          printf("\\u%04x", c);
        } else {
          putchar(c);
        }
    }
  }
  putchar('"');
}

static void put_json_bytes(const uint8_t* p, size_t len) {
  /* The payload is text by contract; copy it so it is NUL-terminated. */
  char* s = malloc(len + 1);
  if (s == NULL) {
    fputs("\"\"", stdout);
    return;
  }
  memcpy(s, p, len);
  s[len] = '\0';
  put_json_string(s);
  free(s);
}

static void emit_error(const char* what, const wkd_error* err) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s (%s)", what, err->message, wkd_status_name((wkd_status)err->status));
  fputs("{\"ev\":\"error\",\"message\":", stdout);
  put_json_string(msg);
  fputs("}\n", stdout);
  fflush(stdout);
}

static void emit_member(const wkd_event_t* ev) {
  wkd_member_info m = WKD_MEMBER_INFO_INIT;
  size_t i;
  if (wkd_event_member(&m, ev, NULL) != WKD_OK) return;
  fputs("{\"ev\":\"member\",\"type\":", stdout);
  put_json_string(wkd_event_type_name(wkd_event_get_type(ev)));
  fputs(",\"name\":", stdout);
  put_json_string(m.name);
  fputs(",\"state\":", stdout);
  put_json_string(wkd_member_state_name(m.state));
  fputs(",\"groups\":[", stdout);
  for (i = 0; i < m.n_groups; i++) {
    if (i > 0) putchar(',');
    put_json_string(m.groups[i]);
  }
  fputs("],\"tags\":{", stdout);
  for (i = 0; i < m.n_tags; i++) {
    if (i > 0) putchar(',');
    put_json_string(m.tags[i].key);
    putchar(':');
    put_json_string(m.tags[i].value);
  }
  fputs("}}\n", stdout);
  fflush(stdout);
}

static void emit_user(const wkd_event_t* ev) {
  const char* name = NULL;
  const uint8_t* payload = NULL;
  size_t len = 0;
  if (wkd_event_user(&name, &payload, &len, NULL, ev, NULL) != WKD_OK) return;
  fputs("{\"ev\":\"user\",\"name\":", stdout);
  put_json_string(name);
  fputs(",\"payload\":", stdout);
  put_json_bytes(payload, len);
  fputs("}\n", stdout);
  fflush(stdout);
}

/* ---- set-up ---- */

static int parse_args(options* o, int argc, char** argv) {
  int i;
  memset(o, 0, sizeof *o);
  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--name") == 0) {
      o->name = argv[i + 1];
    } else if (strcmp(argv[i], "--bind") == 0) {
      o->bind = argv[i + 1];
    } else if (strcmp(argv[i], "--lang") == 0) {
      o->lang = argv[i + 1];
    } else if (strcmp(argv[i], "--join") == 0 && o->n_seeds < MAX_SEEDS) {
      o->seeds[o->n_seeds++] = argv[i + 1];
    } else {
      return -1;
    }
  }
  return i == argc && o->name != NULL && o->bind != NULL && o->lang != NULL ? 0 : -1;
}

static wkd_node_t* start_node(const options* o, wkd_error* err) {
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  char lang_group[80];
  const char* groups[2];
  wkd_kv tags[1];
  wkd_registration reg = WKD_REGISTRATION_INIT;

  snprintf(lang_group, sizeof lang_group, "lang-%s", o->lang);
  groups[0] = "polyglot";
  groups[1] = lang_group;
  tags[0].key = "lang";
  tags[0].value = o->lang;
  reg.database_type = o->lang;
  reg.wire_protocol = "polyglot";
  reg.endpoint = o->bind;
  reg.groups = groups;
  reg.n_groups = 2;
  reg.tags = tags;
  reg.n_tags = 1;

  if (wkd_config_new(&cfg, WKD_PRESET_LOCAL, err) != WKD_OK) return NULL;
  if (wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, o->name, err) != WKD_OK ||
      wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, o->bind, err) != WKD_OK ||
      wkd_node_create(&node, cfg, err) != WKD_OK) {
    wkd_config_free(cfg);
    return NULL;
  }
  wkd_config_free(cfg);
  if (wkd_register(node, &reg, err) != WKD_OK || wkd_node_start(node, err) != WKD_OK) {
    wkd_node_free(node);
    return NULL;
  }
  return node;
}

static wkd_watch_t* start_watch(wkd_node_t* node, wkd_watch_kind kind, uint32_t flags, wkd_error* err) {
  wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
  wkd_watch_t* w = NULL;
  spec.kind = kind;
  spec.flags = flags;
  if (wkd_watch(&w, node, &spec, NULL, NULL, err) != WKD_OK) return NULL;
  return w;
}

/* Joins the seeds, retrying every 500 ms for up to 30 s. */
static int join_seeds(wkd_node_t* node, const options* o, wkd_error* err) {
  int attempt;
  for (attempt = 0; attempt < 60; attempt++) {
    int joined = 0;
    struct timespec pause = {0, 500 * 1000000L};
    if (wkd_node_join(&joined, node, o->seeds, o->n_seeds, 2000, err) == WKD_OK && joined > 0) {
      printf("{\"ev\":\"joined\",\"n\":%d}\n", joined);
      fflush(stdout);
      return 0;
    }
    if (err->status == WKD_E_CLOSED) break;
    nanosleep(&pause, NULL);
  }
  return -1;
}

/* ---- the loop ---- */

/* Takes every event waiting in a pulled watch. */
static void drain(wkd_watch_t* w) {
  wkd_event_t* ev = NULL;
  while (wkd_watch_next_event(&ev, w, 0, NULL) == WKD_OK) {
    if (wkd_event_get_type(ev) == WKD_EVENT_USER) {
      emit_user(ev);
    } else if (wkd_event_get_type(ev) != WKD_EVENT_OVERFLOW) {
      emit_member(ev);
    }
    wkd_event_free(ev);
  }
}

/* Runs one stdin command; returns 1 when the program should stop. */
static int run_command(wkd_node_t* node, char* line) {
  wkd_error err = WKD_ERROR_INIT;
  line[strcspn(line, "\r\n")] = '\0';
  if (strncmp(line, "fire ", 5) == 0) {
    char* name = line + 5;
    char* payload = strchr(name, ' ');
    if (payload != NULL) *payload++ = '\0';
    if (payload == NULL) payload = name + strlen(name);
    if (wkd_node_fire_event(node, name, (const uint8_t*)payload, strlen(payload), false, &err) != WKD_OK) {
      emit_error("fire", &err);
      return 0;
    }
    fputs("{\"ev\":\"fired\",\"name\":", stdout);
    put_json_string(name);
    fputs("}\n", stdout);
    fflush(stdout);
    return 0;
  }
  if (strcmp(line, "leave") == 0) {
    if (wkd_node_leave(node, 5000, &err) != WKD_OK) emit_error("leave", &err);
    fputs("{\"ev\":\"left\"}\n", stdout);
    fflush(stdout);
    return 1;
  }
  if (line[0] != '\0') {
    fputs("{\"ev\":\"error\",\"message\":", stdout);
    put_json_string("unknown command");
    fputs("}\n", stdout);
    fflush(stdout);
  }
  return 0;
}

static int serve(wkd_node_t* node, wkd_watch_t* members, wkd_watch_t* users) {
  struct pollfd fds[3];
  char line[4096];
  wkd_watch_fd(&fds[1].fd, members, NULL);
  wkd_watch_fd(&fds[2].fd, users, NULL);
  fds[0].fd = 0;
  for (;;) {
    int i;
    for (i = 0; i < 3; i++) {
      fds[i].events = POLLIN;
      fds[i].revents = 0;
    }
    if (poll(fds, 3, 1000) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[1].revents != 0) drain(members);
    if (fds[2].revents != 0) drain(users);
    if (fds[0].revents != 0) {
      if (fgets(line, sizeof line, stdin) == NULL) return 0;
      if (run_command(node, line)) return 0;
    }
  }
}

int main(int argc, char** argv) {
  options o;
  wkd_error err = WKD_ERROR_INIT;
  wkd_node_t* node;
  wkd_watch_t* members;
  wkd_watch_t* users;
  char addr[64];
  int rc;

  if (parse_args(&o, argc, argv) != 0) {
    fprintf(stderr, "usage: %s --name NAME --bind IP:PORT --lang LANG [--join IP:PORT]...\n", argv[0]);
    return 2;
  }
  node = start_node(&o, &err);
  if (node == NULL) {
    emit_error("start", &err);
    return 1;
  }
  members = start_watch(node, WKD_WATCH_MEMBERS, WKD_WATCH_INITIAL, &err);
  users = members == NULL ? NULL : start_watch(node, WKD_WATCH_USER_EVENTS, 0, &err);
  if (users == NULL || wkd_node_local_addr(addr, sizeof addr, NULL, node, &err) != WKD_OK) {
    emit_error("watch", &err);
    wkd_watch_free(members);
    wkd_node_free(node);
    return 1;
  }
  fputs("{\"ev\":\"ready\",\"name\":", stdout);
  put_json_string(o.name);
  fputs(",\"addr\":", stdout);
  put_json_string(addr);
  fputs("}\n", stdout);
  fflush(stdout);

  rc = 0;
  if (o.n_seeds > 0 && join_seeds(node, &o, &err) != 0) {
    emit_error("join", &err);
    rc = 1;
  }
  if (rc == 0) rc = serve(node, members, users);
  wkd_watch_free(users);
  wkd_watch_free(members);
  wkd_node_close(node);
  wkd_node_free(node);
  return rc;
}
