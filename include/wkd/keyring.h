/*
 * wkd/keyring.h - the gossip encryption keyring of a node.
 *
 * With a keyring, every packet and stream a node sends is encrypted with
 * AES-GCM under the primary key, and received ones are tried against every
 * installed key, as memberlist does. Keys are base64 strings of 16, 24 or
 * 32 bytes (AES-128/192/256), the format of `serf keygen` and serf's
 * -encrypt. Rotating a key across a cluster: install the new key on every
 * node, then use it as primary on every node, then remove the old one.
 *
 * These calls change this node's keyring only. A node created without
 * ENCRYPT_KEY has no keyring; installing a key into it is refused
 * (WKD_E_STATE), because peers would start rejecting its plaintext.
 */
#ifndef WKD_KEYRING_H
#define WKD_KEYRING_H

#include "wkd/common.h"
#include "wkd/status.h"

WKD_BEGIN_DECL

/**
 * Adds a key (not yet primary). Installing a present key does nothing.
 * @retval WKD_E_INVAL not base64 of 16, 24 or 32 bytes.
 * @retval WKD_E_STATE the node has no keyring.
 * @since 0.1
 */
WKD_API wkd_status wkd_keyring_install(wkd_node_t* node, const char* key_base64, wkd_error* err);

/**
 * Makes an installed key the primary (the one used to send).
 * @retval WKD_E_NOTFOUND the key is not installed.
 * @since 0.1
 */
WKD_API wkd_status wkd_keyring_use(wkd_node_t* node, const char* key_base64, wkd_error* err);

/**
 * Removes a key.
 * @retval WKD_E_NOTFOUND the key is not installed.
 * @retval WKD_E_STATE the key is the primary; use another one first.
 * @since 0.1
 */
WKD_API wkd_status wkd_keyring_remove(wkd_node_t* node, const char* key_base64, wkd_error* err);

/** The keys of a keyring. */
typedef struct wkd_key_list {
  size_t count;              /**< number of keys */
  const char* const* keys;   /**< base64, primary first */
  const char* primary;       /**< base64 primary key */
} wkd_key_list;

/**
 * Lists the installed keys.
 * @retval WKD_E_STATE the node has no keyring.
 * @ownership free with wkd_key_list_free().
 * @since 0.1
 */
WKD_API wkd_status wkd_keyring_list(wkd_key_list** out, wkd_node_t* node, wkd_error* err);

/** Releases a key list; NULL is allowed. @since 0.1 */
WKD_API void wkd_key_list_free(wkd_key_list* list);

WKD_END_DECL

#endif /* WKD_KEYRING_H */
