// wkd/keyring.h: this node's gossip keyring.
#include "capi/handles.hpp"
#include "common/base64.hpp"
#include "wkd/keyring.h"

using namespace wkd;
using namespace wkd::capi;

namespace {

struct KeyList {
  wkd_key_list pub{};
  std::vector<std::string> keys;
  std::vector<const char*> ptrs;
};

wkd_status decode_key(const char* key_base64, Bytes* out, wkd_error* err) {
  if (key_base64 == nullptr) return fail(err, WKD_E_INVAL, "key is NULL");
  auto key = base64_decode(key_base64);
  if (!key) return fail(err, WKD_E_INVAL, "key is not valid base64");
  if (key->size() != 16 && key->size() != 24 && key->size() != 32) {
    return fail(err, WKD_E_INVAL, "key decodes to " + std::to_string(key->size()) + " bytes; AES needs 16, 24 or 32");
  }
  *out = std::move(*key);
  return WKD_OK;
}

template <class Op>
wkd_status key_op(wkd_node_t* node, const char* key_base64, wkd_error* err, Op op) {
  return guard(err, [&]() -> wkd_status {
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    Bytes key;
    if (wkd_status st = decode_key(key_base64, &key, err); st != WKD_OK) return st;
    auto st = op(*n, std::move(key));
    if (!st.ok()) return fail_with(err, st.failure());
    return WKD_OK;
  });
}

}  // namespace

extern "C" {

WKD_API wkd_status wkd_keyring_install(wkd_node_t* node, const char* key_base64, wkd_error* err) {
  return key_op(node, key_base64, err, [](runtime::Node& n, Bytes k) { return n.keyring_install(std::move(k)); });
}

WKD_API wkd_status wkd_keyring_use(wkd_node_t* node, const char* key_base64, wkd_error* err) {
  return key_op(node, key_base64, err, [](runtime::Node& n, Bytes k) { return n.keyring_use(std::move(k)); });
}

WKD_API wkd_status wkd_keyring_remove(wkd_node_t* node, const char* key_base64, wkd_error* err) {
  return key_op(node, key_base64, err, [](runtime::Node& n, Bytes k) { return n.keyring_remove(std::move(k)); });
}

WKD_API wkd_status wkd_keyring_list(wkd_key_list** out, wkd_node_t* node, wkd_error* err) {
  return guard(err, [&]() -> wkd_status {
    if (out == nullptr) return fail(err, WKD_E_INVAL, "out is NULL");
    *out = nullptr;
    runtime::Node* n = node_of(node);
    if (n == nullptr) return fail(err, WKD_E_INVAL, "node is not a live node handle");
    auto keys = n->keyring_list();
    if (!keys.ok()) return fail_with(err, keys.failure());
    auto* list = new KeyList;
    for (const Bytes& k : *keys) list->keys.push_back(base64_encode(k));
    for (const auto& s : list->keys) list->ptrs.push_back(s.c_str());
    list->pub.count = list->keys.size();
    list->pub.keys = list->ptrs.data();
    list->pub.primary = list->ptrs.empty() ? "" : list->ptrs.front();
    *out = &list->pub;
    return WKD_OK;
  });
}

WKD_API void wkd_key_list_free(wkd_key_list* list) {
  if (list == nullptr) return;
  // pub is the first member of KeyList.
  delete reinterpret_cast<KeyList*>(list);
}

}  // extern "C"
