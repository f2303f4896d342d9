// AES-GCM encryption and decryption of memberlist blobs, on mbedtls 2.x
// (see crypto.hpp for the blob layout and the additional data rules).
//
// Each call sets up a GCM context for the key it uses; keyrings hold a few
// keys at most, and a datagram is decrypted once per key until one
// authenticates. Ciphertext is written straight into the output blob, and
// a failed attempt leaves no partial plaintext behind.
#include "wire/crypto.hpp"

#include <mbedtls/gcm.h>

#include <algorithm>
#include <string>

namespace wkd::wire {

namespace {

constexpr std::uint8_t kMaxEncryptionVersion = 1;

// RAII around mbedtls_gcm_context.
class Gcm {
 public:
  Gcm() { mbedtls_gcm_init(&ctx_); }
  ~Gcm() { mbedtls_gcm_free(&ctx_); }
  Gcm(const Gcm&) = delete;
  Gcm& operator=(const Gcm&) = delete;

  bool set_key(ByteView key) {
    return mbedtls_gcm_setkey(&ctx_, MBEDTLS_CIPHER_ID_AES, key.data(),
                              static_cast<unsigned>(key.size() * 8)) == 0;
  }
  mbedtls_gcm_context* get() { return &ctx_; }

 private:
  mbedtls_gcm_context ctx_;
};

// Checks and removes PKCS#7 padding of a version-0 plaintext.
Status unpad(Bytes& plain) {
  if (plain.empty() || plain.size() % kAesBlockSize != 0) {
    return fail(Err::bad_padding, "version-0 plaintext of " + std::to_string(plain.size()) +
                                      " bytes is not a whole number of blocks");
  }
  const std::size_t pad = plain.back();
  if (pad == 0 || pad > kAesBlockSize) {
    return fail(Err::bad_padding, "PKCS#7 pad length " + std::to_string(pad) + " out of range");
  }
  for (std::size_t i = plain.size() - pad; i < plain.size(); ++i) {
    if (plain[i] != pad) return fail(Err::bad_padding, "PKCS#7 pad bytes differ");
  }
  plain.erase(plain.end() - static_cast<std::ptrdiff_t>(pad), plain.end());
  return {};
}

}  // namespace

Nonce make_nonce(Rng& rng) noexcept {
  Nonce n{};
  rng.fill(n);
  return n;
}

Result<Bytes> encrypt_with_key(ByteView key, EncryptionVersion v, const Nonce& nonce,
                               ByteView plaintext, ByteView aad) {
  if (auto st = Keyring::validate_key(key); !st) return std::move(st).failure();
  Bytes padded;
  ByteView input = plaintext;
  if (v == EncryptionVersion::v0_padded) {
    const std::size_t pad = kAesBlockSize - plaintext.size() % kAesBlockSize;
    padded.reserve(plaintext.size() + pad);
    append(padded, plaintext);
    padded.insert(padded.end(), pad, static_cast<std::uint8_t>(pad));
    input = padded;
  }
  Bytes out(encrypted_size(v, plaintext.size()));
  out[0] = static_cast<std::uint8_t>(v);
  std::copy(nonce.begin(), nonce.end(), out.begin() + 1);
  std::uint8_t* cipher = out.data() + 1 + kNonceSize;
  Gcm gcm;
  if (!gcm.set_key(key) ||
      mbedtls_gcm_crypt_and_tag(gcm.get(), MBEDTLS_GCM_ENCRYPT, input.size(), nonce.data(),
                                nonce.size(), aad.data(), aad.size(), input.data(), cipher,
                                kGcmTagSize, cipher + input.size()) != 0) {
    // Only reachable on an mbedtls internal failure; the key size is valid.
    return fail(Err::bad_key, "AES-GCM encryption failed");
  }
  return out;
}

Result<Bytes> encrypt(const Keyring& ring, EncryptionVersion v, const Nonce& nonce,
                      ByteView plaintext, ByteView aad) {
  if (ring.empty()) return fail(Err::key_not_installed, "cannot encrypt with an empty keyring");
  return encrypt_with_key(ring.primary(), v, nonce, plaintext, aad);
}

Result<Bytes> encrypt(const Keyring& ring, EncryptionVersion v, Rng& rng, ByteView plaintext,
                      ByteView aad) {
  return encrypt(ring, v, make_nonce(rng), plaintext, aad);
}

Result<Bytes> decrypt(const Keyring& ring, ByteView blob, ByteView aad) {
  if (blob.empty()) return fail(Err::truncated, "empty encrypted payload");
  if (blob[0] > kMaxEncryptionVersion) {
    return fail(Err::bad_encryption_version,
                "encryption version " + std::to_string(blob[0]) + " is not 0 or 1");
  }
  const auto v = static_cast<EncryptionVersion>(blob[0]);
  if (blob.size() < encrypted_size(v, 0)) {
    return fail(Err::truncated, "encrypted payload of " + std::to_string(blob.size()) +
                                    " bytes is too short for version " +
                                    std::to_string(blob[0]));
  }
  const std::uint8_t* nonce = blob.data() + 1;
  const std::size_t cipher_size = blob.size() - 1 - kNonceSize - kGcmTagSize;
  const std::uint8_t* cipher = nonce + kNonceSize;
  const std::uint8_t* tag = cipher + cipher_size;
  Bytes plain(cipher_size);
  for (const Bytes& key : ring.keys()) {
    Gcm gcm;
    if (!gcm.set_key(key)) continue;
    if (mbedtls_gcm_auth_decrypt(gcm.get(), cipher_size, nonce, kNonceSize, aad.data(),
                                 aad.size(), tag, kGcmTagSize, cipher, plain.data()) != 0) {
      continue;
    }
    if (v == EncryptionVersion::v0_padded) {
      if (auto st = unpad(plain); !st) return std::move(st).failure();
    }
    return plain;
  }
  return fail(Err::decrypt_failed, "none of the " + std::to_string(ring.size()) +
                                       " installed keys decrypts the message");
}

Bytes stream_aad(std::uint32_t blob_size, std::string_view label) {
  Bytes aad;
  aad.reserve(kStreamEncryptHeaderSize + label.size());
  aad.push_back(kEncryptType);
  put_be32(aad, blob_size);
  append(aad, as_bytes(label));
  return aad;
}

}  // namespace wkd::wire
