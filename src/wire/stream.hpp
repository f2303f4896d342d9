// TCP stream framing: what memberlist writes on a connection, and an
// incremental decoder that finds whole messages in the bytes as they arrive.
//
// A connection carries one exchange (push/pull, TCP ping + ack, or a one-way
// user message; docs/wire.md §1.2, §5). Each message is written as:
//
//   [label header]        dialer only, once, when a label is configured
//   message               [type][...]: push/pull = header, N node states,
//                         UserStateLen raw bytes; user = header + UserMsgLen
//                         bytes; ping, ack and errResp = one msgpack object
//   -> compress           [0x09][{Algo, Buf}], always when enabled
//   -> encrypt            [0x0A][u32 BE len][blob], AAD = 0x0A, len, label
//
// There is no outer length for plaintext and the connection stays open for
// the reply, so the receiver must see where a message ends from the data
// itself: an encrypted frame says its length; a compress wrapper is one
// msgpack object; a push/pull header says how many node states and user
// state bytes follow; a user header says how many bytes follow.
//
// StreamDecoder is fed bytes in any chunking and answers "need more", a
// complete message (decrypted and inflated, type byte first) or an error.
// It never re-parses what it has already accepted: it waits for explicit
// lengths without looking at the bytes, and for push/pull it remembers how
// many node states it has passed, so a large transfer costs linear time.
// Limits (memberlist HEAD): encrypted frame <= 20 MiB, push/pull nodes <=
// 1,048,576, user state and user message <= 20 MiB, inflated data <= 40 MiB,
// and everything buffered for the connection <= a configured cap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/rng.hpp"
#include "wire/crypto.hpp"
#include "wire/errors.hpp"
#include "wire/keyring.hpp"
#include "wire/lzw.hpp"

namespace wkd::wire {

// Default cap on the bytes one connection may deliver.
inline constexpr std::size_t kDefaultMaxStreamBytes = std::size_t{64} << 20;
// memberlist HEAD limit on a TCP user message. The push/pull limits are
// kMaxPushPullNodes and kMaxUserStateBytes (memberlist_codec.hpp).
inline constexpr std::int64_t kMaxStreamUserMsgBytes = std::int64_t{20} << 20;

// Which end of the connection we are: only the dialer sends a label header,
// so only the acceptor expects one.
enum class StreamRole : std::uint8_t { dialer, acceptor };

struct StreamEncodeOptions {
  bool compress = false;  // EnableCompression: always compress when set
  // Encrypt with the primary key when non-null (the caller applies
  // GossipVerifyOutgoing).
  const Keyring* keyring = nullptr;
  EncryptionVersion encryption_version = EncryptionVersion::v1;
  std::string label;
};

// Frames the messages one end of a connection sends.
class StreamEncoder {
 public:
  StreamEncoder(StreamRole role, StreamEncodeOptions opts);

  // The bytes to write for `message` ([type][...], complete). A dialer's
  // first call is prefixed with the label header. Errors: an empty message
  // (Err::empty_part), a label over 255 bytes (Err::bad_label), an empty
  // keyring (Err::key_not_installed), an encrypted frame over 20 MiB that
  // receivers would refuse (Err::oversized).
  Result<Bytes> encode(ByteView message, Rng& rng);

 private:
  StreamRole role_;
  StreamEncodeOptions opts_;
  bool label_sent_ = false;
};

struct StreamDecodeOptions {
  // A stream starting with 0x0A needs one (else Err::unexpected_encryption).
  const Keyring* keyring = nullptr;
  // With a keyring: when true, plaintext is Err::plaintext_rejected.
  bool verify_incoming = true;
  std::string label;
  bool skip_inbound_label_check = false;
  std::size_t max_stream_bytes = kDefaultMaxStreamBytes;
  std::size_t max_decompressed = kDefaultDecompressLimit;
  // Where the decoder counts the reason it failed, if given.
  DecodeCounters* counters = nullptr;
};

// A complete message read from a stream.
struct StreamMessage {
  Bytes bytes;  // type byte first: 0 ping, 2 ack, 6 push/pull, 8 user, 13 errResp
  bool encrypted = false;
  bool compressed = false;
  std::uint8_t type() const noexcept { return bytes[0]; }
  ByteView body() const noexcept { return ByteView(bytes).subspan(1); }
};

enum class StreamStatus : std::uint8_t { need_more, message };

struct StreamStep {
  StreamStatus status = StreamStatus::need_more;
  StreamMessage message;  // set when status == message
};

// Incremental receiver for one connection.
class StreamDecoder {
 public:
  StreamDecoder(StreamRole role, StreamDecodeOptions opts);

  // Adds bytes and returns the next complete message if there now is one.
  // After a message, call next() to look for another in what is buffered.
  // Once an error is returned the decoder is dead and returns it again.
  // Errors (counted once in opts.counters): Err::oversized (a limit),
  // Err::plaintext_rejected, Err::unexpected_encryption, Err::unknown_type
  // (a type that cannot start a stream message), the label, decryption,
  // msgpack and decompression errors, Err::bad_length for negative lengths,
  // Err::truncated when an encrypted or compressed frame holds less than a
  // whole message.
  Result<StreamStep> feed(ByteView bytes);

  // Looks for a message in the bytes already buffered.
  Result<StreamStep> next();

  // To call when the peer closes the connection: Err::truncated if a
  // message was cut off (or the label header, for an acceptor).
  Status finish();

  // The label in force (after the label header, for an acceptor).
  const std::string& label() const noexcept { return label_; }
  // Bytes received and not yet returned as part of a message.
  std::size_t buffered() const noexcept { return buf_.size() - pos_; }

 private:
  enum class Stage : std::uint8_t { label, frame };
  // Where a scan of a plaintext message stands; offsets are from its type
  // byte. Kept between feeds so accepted parts are not parsed again.
  struct Scan {
    enum class Part : std::uint8_t { start, object, push_pull_header, push_pull_nodes,
                                     user_header, raw_tail };
    Part part = Part::start;
    std::size_t scanned = 0;  // bytes of the message accepted so far
    std::uint64_t nodes_left = 0;
    std::uint64_t tail = 0;  // raw bytes that end the message
    // A value being skipped (msgpack::Reader::skip_resumable), so that a
    // large one arriving in pieces is read once.
    std::vector<std::uint64_t> skip;
  };

  // The length of the message at the start of `data` if it is complete,
  // nullopt if more bytes are needed. `data` must start at the type byte and
  // only grow between calls with the same `scan`.
  static Result<std::optional<std::size_t>> scan_message(ByteView data, Scan& scan);
  // Skips the msgpack value at `scan.scanned` in `data`, resuming where the
  // last call with this `scan` stopped and advancing `scan.scanned` by what
  // it accepted, even when it ends truncated (wait for more bytes).
  static Status skip_value(ByteView data, Scan& scan, std::string_view what);

  Result<StreamStep> step();
  Result<bool> read_label();
  Result<std::optional<StreamMessage>> read_frame();
  Result<std::optional<StreamMessage>> read_encrypted();
  Result<std::optional<StreamMessage>> read_plain();
  // Builds the message from a complete decrypted (or plaintext compress)
  // buffer: inflates it if needed and checks that it holds a whole message.
  Result<StreamMessage> finish_buffered(Bytes data, bool encrypted);
  Result<StreamStep> die(Failure<Err> f);
  ByteView pending() const noexcept { return ByteView(buf_).subspan(pos_); }
  void consume(std::size_t n);

  StreamRole role_;
  StreamDecodeOptions opts_;
  Stage stage_;
  std::string label_;
  Bytes buf_;
  std::size_t pos_ = 0;    // start of the unconsumed bytes in buf_
  std::size_t total_ = 0;  // bytes fed so far
  std::optional<Failure<Err>> failed_;
  Scan scan_;
};

}  // namespace wkd::wire
