// AES-GCM message encryption as memberlist does it (security.go).
//
// An encrypted blob is (docs/wire.md §7):
//
//   [version:u8][nonce:12][ciphertext][tag:16]
//
// version 1 encrypts the plaintext as is (29 bytes of overhead); version 0,
// used only by memberlist protocol 1, first pads it PKCS#7-style to a
// multiple of 16 bytes (1..16 pad bytes, each equal to the pad length), so
// the overhead is at most 45 bytes. Serf always sends version 1; receivers
// accept both and reject anything above 1. The version byte itself is not
// authenticated, exactly as in memberlist.
//
// Additional authenticated data (AAD):
//   UDP  the label bytes (nothing when there is no label);
//   TCP  [0x0A][u32 BE blob length] followed by the label; the stream frame is
//        0x0A, the length, then the blob (see stream.hpp).
//
// Encryption takes the nonce from the caller, or draws it from an injected
// wkd::Rng: the protocol core never owns a random source. Decryption tries
// every key of the keyring in order and fails only when none authenticates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "common/rng.hpp"
#include "wire/errors.hpp"
#include "wire/keyring.hpp"

namespace wkd::wire {

enum class EncryptionVersion : std::uint8_t { v0_padded = 0, v1 = 1 };

inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kGcmTagSize = 16;
inline constexpr std::size_t kAesBlockSize = 16;
// Stream framing: type byte 10, then the blob length.
inline constexpr std::uint8_t kEncryptType = 10;
inline constexpr std::size_t kStreamEncryptHeaderSize = 5;
// Receivers refuse larger encrypted stream frames (maxPushStateBytes).
inline constexpr std::size_t kMaxEncryptedStreamSize = std::size_t{20} << 20;

using Nonce = std::array<std::uint8_t, kNonceSize>;

// Blob size for a plaintext of `plain` bytes.
constexpr std::size_t encrypted_size(EncryptionVersion v, std::size_t plain) noexcept {
  const std::size_t padded =
      v == EncryptionVersion::v1 ? plain : plain + (kAesBlockSize - plain % kAesBlockSize);
  return 1 + kNonceSize + padded + kGcmTagSize;
}

// Worst-case bytes added by encryption: 29 for v1, 45 for v0. memberlist
// subtracts this from the UDP budget.
constexpr std::size_t encryption_overhead(EncryptionVersion v) noexcept {
  return v == EncryptionVersion::v1 ? 1 + kNonceSize + kGcmTagSize
                                    : 1 + kNonceSize + kAesBlockSize + kGcmTagSize;
}

// Twelve bytes from the injected random source.
Nonce make_nonce(Rng& rng) noexcept;

// Encrypts with one key (Err::bad_key if it is not an AES key size).
Result<Bytes> encrypt_with_key(ByteView key, EncryptionVersion v, const Nonce& nonce,
                               ByteView plaintext, ByteView aad);

// Encrypts with the keyring's primary key (Err::key_not_installed for an
// empty keyring).
Result<Bytes> encrypt(const Keyring& ring, EncryptionVersion v, const Nonce& nonce,
                      ByteView plaintext, ByteView aad);
Result<Bytes> encrypt(const Keyring& ring, EncryptionVersion v, Rng& rng, ByteView plaintext,
                      ByteView aad);

// Decrypts a blob, trying each key in order. Errors: empty or too short for
// its version (Err::truncated), version > 1 (Err::bad_encryption_version),
// no key authenticates it (Err::decrypt_failed), a version-0 plaintext with
// malformed padding (Err::bad_padding).
Result<Bytes> decrypt(const Keyring& ring, ByteView blob, ByteView aad);

// The TCP additional data: [0x0A][blob_size BE u32][label].
Bytes stream_aad(std::uint32_t blob_size, std::string_view label);

}  // namespace wkd::wire
