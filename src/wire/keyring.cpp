// Keyring management: install / use / remove / list, as memberlist's
// keyring.go behaves (see keyring.hpp). Keys are compared byte for byte; the
// list is small (a handful of keys during a rotation), so linear scans are
// the right tool.
#include "wire/keyring.hpp"

#include <algorithm>
#include <string>

namespace wkd::wire {

namespace {

bool same_key(const Bytes& a, ByteView b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

Status Keyring::validate_key(ByteView key) {
  if (key.size() == 16 || key.size() == 24 || key.size() == 32) return {};
  return fail(Err::bad_key, "key has " + std::to_string(key.size()) +
                                " bytes; AES needs 16, 24 or 32");
}

Result<Keyring> Keyring::make(std::span<const Bytes> keys) {
  Keyring ring;
  for (const Bytes& k : keys) {
    if (auto st = ring.install(k); !st) return std::move(st).failure();
  }
  return ring;
}

Status Keyring::install(ByteView key) {
  if (auto st = validate_key(key); !st) return st;
  if (contains(key)) return {};
  keys_.emplace_back(key.begin(), key.end());
  return {};
}

Status Keyring::use(ByteView key) {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const Bytes& k) { return same_key(k, key); });
  if (it == keys_.end()) {
    return fail(Err::key_not_installed, "cannot make a key primary before installing it");
  }
  // Rotate it to the front; the others keep their order.
  std::rotate(keys_.begin(), it, it + 1);
  return {};
}

Status Keyring::remove(ByteView key) {
  if (!keys_.empty() && same_key(keys_.front(), key)) {
    return fail(Err::primary_key_removal, "use another key before removing the primary one");
  }
  std::erase_if(keys_, [&](const Bytes& k) { return same_key(k, key); });
  return {};
}

bool Keyring::contains(ByteView key) const noexcept {
  return std::any_of(keys_.begin(), keys_.end(), [&](const Bytes& k) { return same_key(k, key); });
}

}  // namespace wkd::wire
