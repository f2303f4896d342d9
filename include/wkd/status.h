/*
 * wkd/status.h - status codes and the caller-owned error struct.
 *
 * Every fallible wkd function returns a wkd_status and takes a nullable
 * `wkd_error* err` as its last parameter. The return value is the only test
 * for failure; `err`, when given, receives the same status and a message
 * naming what was wrong:
 *
 *     wkd_error err = WKD_ERROR_INIT;
 *     if (wkd_node_start(node, &err) != WKD_OK)
 *         fprintf(stderr, "start: %s (%s)\n", err.message, wkd_status_name(err.status));
 *
 * There is no hidden per-thread "last error": the error lives in the
 * caller's struct, so any thread and any language binding converts errors
 * the same way. Status values are explicit and never reused.
 */
#ifndef WKD_STATUS_H
#define WKD_STATUS_H

#include "wkd/common.h"

WKD_BEGIN_DECL

/* XX(name, value, text). Values are never renumbered nor reused. */
#define WKD_STATUS_MAP(XX)                                                      \
  XX(OK, 0, "success")                                                          \
  XX(E_INVAL, -1, "invalid argument")                                           \
  XX(E_NOMEM, -2, "out of memory")                                              \
  XX(E_CLOSED, -3, "node is closed")                                            \
  XX(E_TIMEOUT, -4, "operation timed out")                                      \
  XX(E_NOTFOUND, -5, "not found")                                               \
  XX(E_EXISTS, -6, "already exists")                                            \
  XX(E_STATE, -7, "operation not valid in the current state")                  \
  XX(E_ADDRINUSE, -8, "address already in use")                                 \
  XX(E_IO, -9, "I/O error")                                                     \
  XX(E_PROTO, -10, "protocol error or incompatible peer")                       \
  XX(E_CANCELED, -11, "operation canceled")                                     \
  XX(E_LOOPTHREAD, -12, "blocking call made on the node's loop thread")         \
  XX(E_OVERFLOW, -13, "event queue overflowed; resynchronise from a snapshot")  \
  XX(E_NOTSUP, -14, "not supported by this build or not yet implemented")       \
  XX(E_TOOBIG, -15, "value exceeds a size limit")                               \
  XX(E_INTERNAL, -99, "internal error")

/** Result of every fallible call. */
typedef enum wkd_status {
#define WKD_STATUS_ENUM_(name, value, text) WKD_##name = value,
  WKD_STATUS_MAP(WKD_STATUS_ENUM_)
#undef WKD_STATUS_ENUM_
  WKD_STATUS_LAST_ = WKD_E_INTERNAL
} wkd_status;

/** Size of wkd_error.message, NUL included. */
#define WKD_ERROR_MESSAGE_SIZE 256

/**
 * Error detail filled by a failing call. Set struct_size before the call
 * (WKD_ERROR_INIT or wkd_error_init); the library writes no further than
 * struct_size bytes. On success the struct is left untouched.
 */
typedef struct wkd_error {
  uint32_t struct_size;                 /**< in: sizeof(wkd_error) */
  int32_t status;                       /**< out: the wkd_status returned */
  int32_t os_error;                     /**< out: errno or libuv code when relevant, else 0 */
  char message[WKD_ERROR_MESSAGE_SIZE]; /**< out: UTF-8, NUL-terminated, may be truncated */
} wkd_error;

#define WKD_ERROR_INIT {sizeof(wkd_error), 0, 0, {0}}

/**
 * Initialises an error struct, for languages without C initialisers.
 * @param err the struct to reset; NULL is ignored.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API void wkd_error_init(wkd_error* err);

/**
 * The symbolic name of a status: "WKD_OK", "WKD_E_TIMEOUT", ...
 * @return static storage; "WKD_E_UNKNOWN" for a value not in WKD_STATUS_MAP.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API const char* wkd_status_name(wkd_status status);

/**
 * A short English description of a status: "operation timed out", ...
 * @return static storage; "unknown status" for a value not in WKD_STATUS_MAP.
 * @threadsafety Any thread.
 * @since 0.1
 */
WKD_API const char* wkd_status_str(wkd_status status);

WKD_END_DECL

#endif /* WKD_STATUS_H */
