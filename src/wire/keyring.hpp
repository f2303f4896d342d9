// The gossip keyring: the AES keys a node encrypts with and accepts.
//
// Mirrors memberlist's keyring.go (docs/wire.md §7): an ordered list of
// 16-, 24- or 32-byte keys (AES-128/192/256) whose first element is the
// primary key. Sending always uses the primary key; receiving tries every
// key in order, which is what lets a cluster rotate keys with serf's
// install / use / remove steps without losing messages. Installing a key
// that is already present does nothing, "use" moves an installed key to the
// front, and the primary key cannot be removed.
//
// The keyring is a plain value owned by one thread like the rest of the
// protocol core; the encryption itself lives in crypto.hpp.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "wire/errors.hpp"

namespace wkd::wire {

class Keyring {
 public:
  // An empty keyring (encryption off).
  Keyring() = default;

  // keys[0] becomes the primary key; later duplicates are ignored. Any key of
  // the wrong size is Err::bad_key.
  static Result<Keyring> make(std::span<const Bytes> keys);

  // 16, 24 or 32 bytes, else Err::bad_key.
  static Status validate_key(ByteView key);

  // Adds a key at the end of the list; it becomes the primary key only if the
  // ring was empty. Installing an installed key is a no-op.
  Status install(ByteView key);

  // Makes an installed key the primary one (Err::key_not_installed if it is
  // not in the ring). The other keys keep their relative order.
  Status use(ByteView key);

  // Removes a key. Removing the primary key is Err::primary_key_removal;
  // removing a key that is not installed does nothing, as in memberlist.
  Status remove(ByteView key);

  bool contains(ByteView key) const noexcept;
  bool empty() const noexcept { return keys_.empty(); }
  std::size_t size() const noexcept { return keys_.size(); }

  // All keys, primary first.
  std::span<const Bytes> keys() const noexcept { return keys_; }
  // The primary key, or an empty view for an empty ring.
  ByteView primary() const noexcept { return keys_.empty() ? ByteView{} : ByteView{keys_.front()}; }

 private:
  std::vector<Bytes> keys_;
};

}  // namespace wkd::wire
