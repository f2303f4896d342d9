/*
 * wkd_node: one wkd node driven from the command line, for the interop
 * tests (tests/interop/serf_interop_test.py). C99, the public C API only.
 *
 *   wkd_node --name NAME --bind IP:PORT [--join SEED]... [--encrypt KEY]
 *            [--tag K=V]... [--group G]... [--fire-event NAME:PAYLOAD]...
 *            [--leave-on-signal] [--stats-at-exit] [--preset local|lan|wan]
 *            [--join-timeout-ms N] [--db TYPE] [--endpoint HOST:PORT]
 *            [--log-level debug|info|warn|error|off]
 *
 * Every line on stdout is one JSON object, flushed as it is written:
 *
 *   {"event":"started","name":"w1","addr":"127.0.0.9:40123","port":40123}
 *   {"event":"join","ok":true,"joined":1}
 *   {"event":"join","ok":false,"status":"WKD_E_IO","error":"..."}
 *   {"event":"member-joined","name":"s1","address":"127.0.0.9","port":7946,
 *    "state":"alive","incarnation":1,"wkd_version":"","health":"unknown",
 *    "tags":{"role":"web"}}
 *   {"event":"user","name":"deploy","payload":"v2","payload_hex":"7632","ltime":3}
 *   {"event":"fired","name":"deploy","ok":true}
 *   {"event":"stats","packets_in":12,...,"drops_decrypt":0,...}
 *   {"event":"leave","ok":true}
 *   {"event":"exit","code":0}
 *
 * Member events are "member-joined", "member-updated", "member-suspect",
 * "member-failed", "member-left", "member-reaped" (wkd_event_type_name()).
 * SIGUSR1 prints a stats line at once. SIGTERM and SIGINT stop the node:
 * with --leave-on-signal it leaves gracefully first (peers see "left"),
 * otherwise it closes without leaving (peers see "failed"); either way the
 * exit status is 0. Log lines of the library go to stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wkd.h>

#define MAX_ITEMS 32

static volatile sig_atomic_t g_stop = 0;
static volatile sig_atomic_t g_want_stats = 0;

static void on_stop_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static void on_stats_signal(int sig) {
  (void)sig;
  g_want_stats = 1;
}

/* ---- JSON output --------------------------------------------------------- */

/* One output line is built in this buffer, then written and flushed. */
typedef struct line_buf {
  char* data;
  size_t len;
  size_t cap;
} line_buf;

static void lb_reserve(line_buf* b, size_t extra) {
  size_t want = b->len + extra + 1;
  char* grown;
  size_t cap;
  if (want <= b->cap) return;
  cap = b->cap == 0 ? 256 : b->cap;
  while (cap < want) cap *= 2;
  grown = (char*)realloc(b->data, cap);
  if (grown == NULL) {
    fputs("wkd_node: out of memory\n", stderr);
    exit(3);
  }
  b->data = grown;
  b->cap = cap;
}

static void lb_raw(line_buf* b, const char* s, size_t n) {
  lb_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void lb_puts(line_buf* b, const char* s) { lb_raw(b, s, strlen(s)); }

static void lb_printf(line_buf* b, const char* fmt, ...) {
  char tmp[128];
  int n;
  va_list ap;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof tmp) n = (int)sizeof tmp - 1;
  lb_raw(b, tmp, (size_t)n);
}

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char* s, size_t n) {
  unsigned char c = s[0];
  size_t len, i;
  unsigned long cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (len > n) return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return len;
}

/*
 * Appends bytes as a JSON string. Valid UTF-8 passes through; quotes,
 * backslashes and control characters are escaped; a byte that is not part
 * of valid UTF-8 becomes \u00XX (its Latin-1 reading), so the line always
 * stays valid JSON.
 */
static void lb_json_bytes(line_buf* b, const unsigned char* s, size_t n) {
  size_t i = 0;
  lb_raw(b, "\"", 1);
  while (i < n) {
    unsigned char c = s[i];
    size_t seq;
    if (c == '"') {
      lb_raw(b, "\\\"", 2);
      i++;
    } else if (c == '\\') {
      lb_raw(b, "\\\\", 2);
      i++;
    } else if (c == '\n') {
      lb_raw(b, "\\n", 2);
      i++;
    } else if (c == '\r') {
      lb_raw(b, "\\r", 2);
      i++;
    } else if (c == '\t') {
      lb_raw(b, "\\t", 2);
      i++;
    } else if (c < 0x20 || c == 0x7F) {
      lb_printf(b, "\\u%04x", (unsigned)c);
      i++;
    } else if ((seq = utf8_seq_len(s + i, n - i)) > 0) {
      lb_raw(b, (const char*)s + i, seq);
      i += seq;
    } else {
      lb_printf(b, "\\u%04x", (unsigned)c);
      i++;
    }
  }
  lb_raw(b, "\"", 1);
}

static void lb_json_str(line_buf* b, const char* s) {
  if (s == NULL) {
    lb_puts(b, "null");
    return;
  }
  lb_json_bytes(b, (const unsigned char*)s, strlen(s));
}

/* ,"key":"value" (or the first pair, after the opening brace). */
static void lb_kv_str(line_buf* b, const char* key, const char* value) {
  if (b->len > 1) lb_raw(b, ",", 1);
  lb_json_str(b, key);
  lb_raw(b, ":", 1);
  lb_json_str(b, value);
}

static void lb_kv_u64(line_buf* b, const char* key, unsigned long long value) {
  if (b->len > 1) lb_raw(b, ",", 1);
  lb_json_str(b, key);
  lb_printf(b, ":%llu", value);
}

static void lb_kv_int(line_buf* b, const char* key, long long value) {
  if (b->len > 1) lb_raw(b, ",", 1);
  lb_json_str(b, key);
  lb_printf(b, ":%lld", value);
}

static void lb_kv_bool(line_buf* b, const char* key, bool value) {
  if (b->len > 1) lb_raw(b, ",", 1);
  lb_json_str(b, key);
  lb_puts(b, value ? ":true" : ":false");
}

static void lb_begin(line_buf* b, const char* event) {
  b->len = 0;
  lb_raw(b, "{", 1);
  lb_kv_str(b, "event", event);
}

static void lb_end(line_buf* b) {
  lb_raw(b, "}\n", 2);
  fwrite(b->data, 1, b->len, stdout);
  fflush(stdout);
}

/* ---- options --------------------------------------------------------------- */

typedef struct options {
  const char* name;
  const char* bind;
  const char* seeds[MAX_ITEMS];
  size_t n_seeds;
  const char* encrypt;
  wkd_kv tags[MAX_ITEMS];
  size_t n_tags;
  const char* groups[MAX_ITEMS];
  size_t n_groups;
  const char* fire[MAX_ITEMS];
  size_t n_fire;
  const char* db;
  const char* endpoint;
  bool leave_on_signal;
  bool stats_at_exit;
  wkd_preset preset;
  long join_timeout_ms;
  wkd_log_level log_level;
} options;

static void usage(void) {
  fputs(
      "usage: wkd_node --name NAME --bind IP:PORT [--join SEED]... [--encrypt BASE64KEY]\n"
      "                [--tag K=V]... [--group G]... [--fire-event NAME:PAYLOAD]...\n"
      "                [--leave-on-signal] [--stats-at-exit] [--preset local|lan|wan]\n"
      "                [--join-timeout-ms N] [--db TYPE] [--endpoint HOST:PORT]\n"
      "                [--log-level debug|info|warn|error|off]\n",
      stderr);
}

static int push_item(const char** list, size_t* n, const char* item, const char* flag) {
  if (*n >= MAX_ITEMS) {
    fprintf(stderr, "wkd_node: too many %s (at most %d)\n", flag, MAX_ITEMS);
    return 0;
  }
  list[(*n)++] = item;
  return 1;
}

static int parse_options(options* o, int argc, char** argv) {
  int i;
  memset(o, 0, sizeof *o);
  o->preset = WKD_PRESET_LOCAL;
  o->join_timeout_ms = 10000;
  o->log_level = WKD_LOG_WARN;
  for (i = 1; i < argc; i++) {
    const char* a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : NULL;
    int takes_value = 1;
    if (strcmp(a, "--leave-on-signal") == 0) {
      o->leave_on_signal = true;
      takes_value = 0;
    } else if (strcmp(a, "--stats-at-exit") == 0) {
      o->stats_at_exit = true;
      takes_value = 0;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage();
      exit(0);
    } else if (v == NULL) {
      fprintf(stderr, "wkd_node: %s needs a value (or is unknown)\n", a);
      return 0;
    } else if (strcmp(a, "--name") == 0) {
      o->name = v;
    } else if (strcmp(a, "--bind") == 0) {
      o->bind = v;
    } else if (strcmp(a, "--join") == 0) {
      if (!push_item(o->seeds, &o->n_seeds, v, "--join")) return 0;
    } else if (strcmp(a, "--encrypt") == 0) {
      o->encrypt = v;
    } else if (strcmp(a, "--tag") == 0) {
      const char* eq = strchr(v, '=');
      char* key;
      if (eq == NULL || eq == v) {
        fprintf(stderr, "wkd_node: --tag wants KEY=VALUE, got '%s'\n", v);
        return 0;
      }
      if (o->n_tags >= MAX_ITEMS) {
        fprintf(stderr, "wkd_node: too many --tag\n");
        return 0;
      }
      key = (char*)malloc((size_t)(eq - v) + 1);
      if (key == NULL) return 0;
      memcpy(key, v, (size_t)(eq - v));
      key[eq - v] = '\0';
      o->tags[o->n_tags].key = key;
      o->tags[o->n_tags].value = eq + 1;
      o->n_tags++;
    } else if (strcmp(a, "--group") == 0) {
      if (!push_item(o->groups, &o->n_groups, v, "--group")) return 0;
    } else if (strcmp(a, "--fire-event") == 0) {
      if (strchr(v, ':') == NULL || v[0] == ':') {
        fprintf(stderr, "wkd_node: --fire-event wants NAME:PAYLOAD, got '%s'\n", v);
        return 0;
      }
      if (!push_item(o->fire, &o->n_fire, v, "--fire-event")) return 0;
    } else if (strcmp(a, "--db") == 0) {
      o->db = v;
    } else if (strcmp(a, "--endpoint") == 0) {
      o->endpoint = v;
    } else if (strcmp(a, "--preset") == 0) {
      if (strcmp(v, "local") == 0) {
        o->preset = WKD_PRESET_LOCAL;
      } else if (strcmp(v, "lan") == 0) {
        o->preset = WKD_PRESET_LAN;
      } else if (strcmp(v, "wan") == 0) {
        o->preset = WKD_PRESET_WAN;
      } else {
        fprintf(stderr, "wkd_node: unknown preset '%s'\n", v);
        return 0;
      }
    } else if (strcmp(a, "--join-timeout-ms") == 0) {
      char* end = NULL;
      o->join_timeout_ms = strtol(v, &end, 10);
      if (end == v || *end != '\0' || o->join_timeout_ms < -1 || o->join_timeout_ms > 600000) {
        fprintf(stderr, "wkd_node: bad --join-timeout-ms '%s'\n", v);
        return 0;
      }
    } else if (strcmp(a, "--log-level") == 0) {
      if (strcmp(v, "debug") == 0) {
        o->log_level = WKD_LOG_DEBUG;
      } else if (strcmp(v, "info") == 0) {
        o->log_level = WKD_LOG_INFO;
      } else if (strcmp(v, "warn") == 0) {
        o->log_level = WKD_LOG_WARN;
      } else if (strcmp(v, "error") == 0) {
        o->log_level = WKD_LOG_ERROR;
      } else if (strcmp(v, "off") == 0) {
        o->log_level = WKD_LOG_OFF;
      } else {
        fprintf(stderr, "wkd_node: unknown log level '%s'\n", v);
        return 0;
      }
    } else {
      fprintf(stderr, "wkd_node: unknown option '%s'\n", a);
      return 0;
    }
    if (takes_value) i++;
  }
  if (o->name == NULL || o->bind == NULL) {
    fputs("wkd_node: --name and --bind are required\n", stderr);
    return 0;
  }
  return 1;
}

/* ---- output of events, stats and results ---------------------------------- */

static line_buf g_line;

static void print_error_line(const char* event, const char* what, wkd_status st, const wkd_error* err) {
  lb_begin(&g_line, event);
  lb_kv_bool(&g_line, "ok", false);
  if (what != NULL) lb_kv_str(&g_line, "what", what);
  lb_kv_str(&g_line, "status", wkd_status_name(st));
  lb_kv_str(&g_line, "error", err->message);
  lb_end(&g_line);
}

static void print_member_event(const wkd_event_t* ev) {
  wkd_member_info m = WKD_MEMBER_INFO_INIT;
  size_t i;
  wkd_error err = WKD_ERROR_INIT;
  lb_begin(&g_line, wkd_event_type_name(wkd_event_get_type(ev)));
  if (wkd_event_member(&m, ev, &err) != WKD_OK) {
    lb_kv_str(&g_line, "error", err.message);
    lb_end(&g_line);
    return;
  }
  lb_kv_str(&g_line, "name", m.name);
  lb_kv_str(&g_line, "address", m.address);
  lb_kv_u64(&g_line, "port", m.port);
  lb_kv_str(&g_line, "state", wkd_member_state_name(m.state));
  lb_kv_u64(&g_line, "incarnation", m.incarnation);
  lb_kv_str(&g_line, "wkd_version", m.wkd_version);
  lb_kv_str(&g_line, "health", wkd_health_name(m.health));
  lb_raw(&g_line, ",\"tags\":{", 9);
  for (i = 0; i < m.n_tags; i++) {
    if (i > 0) lb_raw(&g_line, ",", 1);
    lb_json_str(&g_line, m.tags[i].key);
    lb_raw(&g_line, ":", 1);
    lb_json_str(&g_line, m.tags[i].value);
  }
  lb_raw(&g_line, "}", 1);
  lb_end(&g_line);
}

static void print_user_event(const wkd_event_t* ev) {
  const char* name = NULL;
  const uint8_t* payload = NULL;
  size_t len = 0, i;
  uint64_t ltime = 0;
  wkd_error err = WKD_ERROR_INIT;
  lb_begin(&g_line, "user");
  if (wkd_event_user(&name, &payload, &len, &ltime, ev, &err) != WKD_OK) {
    lb_kv_str(&g_line, "error", err.message);
    lb_end(&g_line);
    return;
  }
  lb_kv_str(&g_line, "name", name);
  lb_raw(&g_line, ",\"payload\":", 11);
  lb_json_bytes(&g_line, payload, len);
  lb_raw(&g_line, ",\"payload_hex\":\"", 16);
  for (i = 0; i < len; i++) lb_printf(&g_line, "%02x", (unsigned)payload[i]);
  lb_raw(&g_line, "\"", 1);
  lb_kv_u64(&g_line, "ltime", (unsigned long long)ltime);
  lb_end(&g_line);
}

static void print_event(const wkd_event_t* ev) {
  switch (wkd_event_get_type(ev)) {
    case WKD_EVENT_USER:
      print_user_event(ev);
      break;
    case WKD_EVENT_OVERFLOW:
      lb_begin(&g_line, "overflow");
      lb_end(&g_line);
      break;
    default:
      print_member_event(ev);
      break;
  }
}

static void print_stats(const wkd_node_t* node) {
  wkd_stats s = WKD_STATS_INIT;
  wkd_error err = WKD_ERROR_INIT;
  wkd_status st = wkd_node_stats(&s, node, &err);
  if (st != WKD_OK) {
    print_error_line("stats", NULL, st, &err);
    return;
  }
  lb_begin(&g_line, "stats");
  lb_kv_u64(&g_line, "packets_in", s.packets_in);
  lb_kv_u64(&g_line, "packets_out", s.packets_out);
  lb_kv_u64(&g_line, "bytes_in", s.bytes_in);
  lb_kv_u64(&g_line, "bytes_out", s.bytes_out);
  lb_kv_u64(&g_line, "streams_in", s.streams_in);
  lb_kv_u64(&g_line, "streams_out", s.streams_out);
  lb_kv_u64(&g_line, "drops_total", s.drops_total);
  lb_kv_u64(&g_line, "drops_malformed", s.drops_malformed);
  lb_kv_u64(&g_line, "drops_decrypt", s.drops_decrypt);
  lb_kv_u64(&g_line, "drops_checksum", s.drops_checksum);
  lb_kv_u64(&g_line, "drops_label", s.drops_label);
  lb_kv_u64(&g_line, "drops_unknown_type", s.drops_unknown_type);
  lb_kv_u64(&g_line, "drops_oversized", s.drops_oversized);
  lb_kv_u64(&g_line, "drops_queue_full", s.drops_queue_full);
  lb_kv_u64(&g_line, "drops_socket", s.drops_socket);
  lb_kv_u64(&g_line, "probes", s.probes);
  lb_kv_u64(&g_line, "probe_failures", s.probe_failures);
  lb_kv_u64(&g_line, "suspicions", s.suspicions);
  lb_kv_u64(&g_line, "refutations", s.refutations);
  lb_kv_u64(&g_line, "push_pulls", s.push_pulls);
  lb_kv_u64(&g_line, "members_alive", s.members_alive);
  lb_kv_u64(&g_line, "members_suspect", s.members_suspect);
  lb_kv_u64(&g_line, "members_failed", s.members_failed);
  lb_kv_u64(&g_line, "members_left", s.members_left);
  lb_kv_u64(&g_line, "incarnation", s.incarnation);
  lb_end(&g_line);
}

/* Prints every event waiting in a pulled watch; returns how many. */
static int drain(wkd_watch_t* w) {
  int n = 0;
  for (;;) {
    wkd_event_t* ev = NULL;
    if (wkd_watch_next_event(&ev, w, 0, NULL) != WKD_OK) return n;
    print_event(ev);
    wkd_event_free(ev);
    n++;
  }
}

static void fire_events(wkd_node_t* node, const options* o) {
  size_t i;
  for (i = 0; i < o->n_fire; i++) {
    const char* spec = o->fire[i];
    const char* colon = strchr(spec, ':');
    size_t name_len = (size_t)(colon - spec);
    char name[256];
    wkd_error err = WKD_ERROR_INIT;
    wkd_status st;
    if (name_len >= sizeof name) name_len = sizeof name - 1;
    memcpy(name, spec, name_len);
    name[name_len] = '\0';
    st = wkd_node_fire_event(node, name, (const uint8_t*)(colon + 1), strlen(colon + 1), false, &err);
    if (st != WKD_OK) {
      print_error_line("fired", name, st, &err);
      continue;
    }
    lb_begin(&g_line, "fired");
    lb_kv_str(&g_line, "name", name);
    lb_kv_bool(&g_line, "ok", true);
    lb_end(&g_line);
  }
}

static void log_to_stderr(wkd_log_level level, const char* node_name, const char* message, void* user_data) {
  static const char* const names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};
  (void)user_data;
  fprintf(stderr, "[%s] %s: %s\n", (unsigned)level < 5 ? names[level] : "?", node_name, message);
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char** argv) {
  options o;
  wkd_config_t* cfg = NULL;
  wkd_node_t* node = NULL;
  wkd_watch_t* members_watch = NULL;
  wkd_watch_t* events_watch = NULL;
  wkd_error err = WKD_ERROR_INIT;
  wkd_status st;
  struct sigaction sa;
  int exit_code = 1;
  size_t i;

  if (!parse_options(&o, argc, argv)) {
    usage();
    return 2;
  }

  /* No SA_RESTART: a signal interrupts poll() at once. */
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_stop_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sa.sa_handler = on_stats_signal;
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);

  st = wkd_config_new(&cfg, o.preset, &err);
  if (st == WKD_OK) st = wkd_config_set_str(cfg, WKD_OPT_NODE_NAME, o.name, &err);
  if (st == WKD_OK) st = wkd_config_set_str(cfg, WKD_OPT_BIND_ADDR, o.bind, &err);
  if (st == WKD_OK && o.encrypt != NULL) st = wkd_config_set_str(cfg, WKD_OPT_ENCRYPT_KEY, o.encrypt, &err);
  if (st == WKD_OK) st = wkd_config_set_log(cfg, o.log_level, log_to_stderr, NULL, &err);
  if (st == WKD_OK) st = wkd_node_create(&node, cfg, &err);
  wkd_config_free(cfg);
  if (st != WKD_OK) {
    print_error_line("started", "create", st, &err);
    goto out;
  }

  if (o.n_tags > 0 || o.n_groups > 0 || o.db != NULL || o.endpoint != NULL) {
    wkd_registration reg = WKD_REGISTRATION_INIT;
    reg.database_type = o.db;
    reg.endpoint = o.endpoint;
    reg.groups = o.groups;
    reg.n_groups = o.n_groups;
    reg.tags = o.tags;
    reg.n_tags = o.n_tags;
    st = wkd_register(node, &reg, &err);
    if (st != WKD_OK) {
      print_error_line("started", "register", st, &err);
      goto out;
    }
  }

  {
    wkd_watch_spec spec = WKD_WATCH_SPEC_INIT;
    spec.kind = WKD_WATCH_MEMBERS;
    st = wkd_watch(&members_watch, node, &spec, NULL, NULL, &err);
    if (st == WKD_OK) {
      spec.kind = WKD_WATCH_USER_EVENTS;
      st = wkd_watch(&events_watch, node, &spec, NULL, NULL, &err);
    }
    if (st != WKD_OK) {
      print_error_line("started", "watch", st, &err);
      goto out;
    }
  }

  st = wkd_node_start(node, &err);
  if (st != WKD_OK) {
    print_error_line("started", "start", st, &err);
    goto out;
  }
  {
    char addr[64];
    uint16_t port = 0;
    st = wkd_node_local_addr(addr, sizeof addr, &port, node, &err);
    if (st != WKD_OK) {
      print_error_line("started", "local_addr", st, &err);
      goto out;
    }
    lb_begin(&g_line, "started");
    lb_kv_bool(&g_line, "ok", true);
    lb_kv_str(&g_line, "name", wkd_node_name(node));
    lb_kv_str(&g_line, "addr", addr);
    lb_kv_u64(&g_line, "port", port);
    lb_kv_str(&g_line, "version", wkd_version_string());
    lb_end(&g_line);
  }

  if (o.n_seeds > 0) {
    int joined = 0;
    st = wkd_node_join(&joined, node, o.seeds, o.n_seeds, (int32_t)o.join_timeout_ms, &err);
    if (st != WKD_OK) {
      print_error_line("join", NULL, st, &err);
    } else {
      lb_begin(&g_line, "join");
      lb_kv_bool(&g_line, "ok", true);
      lb_kv_int(&g_line, "joined", joined);
      lb_end(&g_line);
      fire_events(node, &o);
    }
  } else {
    fire_events(node, &o);
  }

  {
    int fds[2];
    struct pollfd pfd[2];
    if (wkd_watch_fd(&fds[0], members_watch, &err) != WKD_OK || wkd_watch_fd(&fds[1], events_watch, &err) != WKD_OK) {
      print_error_line("started", "watch_fd", WKD_E_INTERNAL, &err);
      goto out;
    }
    while (!g_stop) {
      int rc;
      pfd[0].fd = fds[0];
      pfd[0].events = POLLIN;
      pfd[0].revents = 0;
      pfd[1].fd = fds[1];
      pfd[1].events = POLLIN;
      pfd[1].revents = 0;
      rc = poll(pfd, 2, 200);
      if (rc < 0 && errno != EINTR) {
        perror("wkd_node: poll");
        break;
      }
      drain(members_watch);
      drain(events_watch);
      if (g_want_stats) {
        g_want_stats = 0;
        print_stats(node);
      }
    }
  }

  if (o.leave_on_signal) {
    st = wkd_node_leave(node, 10000, &err);
    if (st != WKD_OK) {
      print_error_line("leave", NULL, st, &err);
    } else {
      lb_begin(&g_line, "leave");
      lb_kv_bool(&g_line, "ok", true);
      lb_end(&g_line);
    }
  }
  drain(members_watch);
  drain(events_watch);
  if (o.stats_at_exit) print_stats(node);
  exit_code = 0;

out:
  wkd_watch_free(members_watch);
  wkd_watch_free(events_watch);
  wkd_node_free(node);
  for (i = 0; i < o.n_tags; i++) free((void*)o.tags[i].key);
  lb_begin(&g_line, "exit");
  lb_kv_int(&g_line, "code", exit_code);
  lb_end(&g_line);
  free(g_line.data);
  return exit_code;
}
