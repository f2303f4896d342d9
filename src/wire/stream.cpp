// TCP stream framing: StreamEncoder and the incremental StreamDecoder (see
// stream.hpp for the wire layout and limits).
//
// The decoder keeps every byte it has not yet returned in one buffer and
// works in two stages. The label stage (acceptor only) reads an optional
// label header and checks it like memberlist's handleConn. The frame stage
// then looks at the first byte of each message:
//
//   0x0A  encrypted frame: wait until the announced length has arrived
//         (without touching the bytes), decrypt with AAD 0x0A+len+label;
//   0x09  plaintext compress wrapper: wait for one whole msgpack object;
//   else  plaintext message, scanned as described below.
//
// Decrypted and inflated data arrive whole, so they are scanned once, and a
// message that does not fit in them is Err::truncated. A plaintext message
// is scanned incrementally by scan_message(): it remembers how far it got
// (header accepted, k node states passed, n raw bytes still due), so each new
// chunk only costs the object that was cut in two, and raw byte counts are
// satisfied by arithmetic. msgpack "truncated" answers from the reader mean
// "need more"; any other reader error is final.
#include "wire/stream.hpp"

#include <string>

#include "wire/compress.hpp"
#include "wire/label.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/messages.hpp"
#include "wire/msgpack.hpp"

namespace wkd::wire {

namespace {

constexpr std::uint8_t type_byte(MsgType t) noexcept { return static_cast<std::uint8_t>(t); }

// Buffers are compacted once this many consumed bytes sit at the front.
constexpr std::size_t kCompactThreshold = std::size_t{1} << 16;

bool keyring_in_use(const Keyring* ring) noexcept { return ring != nullptr && !ring->empty(); }

}  // namespace

// ---- sending ----

StreamEncoder::StreamEncoder(StreamRole role, StreamEncodeOptions opts)
    : role_(role), opts_(std::move(opts)) {}

Result<Bytes> StreamEncoder::encode(ByteView message, Rng& rng) {
  if (message.empty()) return fail(Err::empty_part, "refusing to send an empty message");
  const bool send_label = role_ == StreamRole::dialer && !label_sent_ && !opts_.label.empty();
  Bytes out;
  if (send_label) {
    auto header = label_header(opts_.label);
    if (!header) return header;
    out = std::move(header).value();
  } else if (auto st = validate_label(opts_.label); !st) {
    return std::move(st).failure();
  }

  Bytes payload;
  if (opts_.compress) {
    auto packed = compress_message(message);
    if (!packed) return packed;
    payload = std::move(packed).value();
  } else {
    payload.assign(message.begin(), message.end());
  }

  if (opts_.keyring != nullptr) {
    if (opts_.keyring->empty()) {
      return fail(Err::key_not_installed, "encryption requested with an empty keyring");
    }
    const std::size_t size = encrypted_size(opts_.encryption_version, payload.size());
    if (size > kMaxEncryptedStreamSize) {
      return fail(Err::oversized, "encrypted frame of " + std::to_string(size) +
                                      " bytes exceeds the 20 MiB receivers accept");
    }
    const Bytes aad = stream_aad(static_cast<std::uint32_t>(size), opts_.label);
    auto blob = encrypt(*opts_.keyring, opts_.encryption_version, rng, payload, aad);
    if (!blob) return blob;
    out.reserve(out.size() + kStreamEncryptHeaderSize + blob->size());
    append(out, ByteView(aad).first(kStreamEncryptHeaderSize));
    append(out, *blob);
  } else {
    append(out, payload);
  }
  if (send_label) label_sent_ = true;
  return out;
}

// ---- receiving ----

StreamDecoder::StreamDecoder(StreamRole role, StreamDecodeOptions opts)
    : role_(role),
      opts_(std::move(opts)),
      stage_(role == StreamRole::acceptor ? Stage::label : Stage::frame),
      label_(role == StreamRole::acceptor ? std::string() : opts_.label) {}

Result<StreamStep> StreamDecoder::feed(ByteView bytes) {
  if (failed_) return *failed_;
  if (bytes.size() > opts_.max_stream_bytes - total_) {
    return die(fail(Err::oversized, "connection delivered more than " +
                                        std::to_string(opts_.max_stream_bytes) + " bytes"));
  }
  total_ += bytes.size();
  append(buf_, bytes);
  return step();
}

Result<StreamStep> StreamDecoder::next() {
  if (failed_) return *failed_;
  return step();
}

Status StreamDecoder::finish() {
  if (failed_) return *failed_;
  if (buffered() == 0) return {};
  auto f = fail(Err::truncated, "connection closed with " + std::to_string(buffered()) +
                                    " bytes of an incomplete message");
  (void)die(f);
  return f;
}

Result<StreamStep> StreamDecoder::die(Failure<Err> f) {
  if (opts_.counters != nullptr) opts_.counters->count(f.code);
  failed_ = f;
  return f;
}

void StreamDecoder::consume(std::size_t n) {
  pos_ += n;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ >= kCompactThreshold && pos_ * 2 >= buf_.size()) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
}

Result<StreamStep> StreamDecoder::step() {
  if (stage_ == Stage::label) {
    auto done = read_label();
    if (!done) return die(std::move(done).failure());
    if (!*done) return StreamStep{};
  }
  auto msg = read_frame();
  if (!msg) return die(std::move(msg).failure());
  StreamStep out;
  if (msg->has_value()) {
    out.status = StreamStatus::message;
    out.message = std::move(**msg);
  }
  return out;
}

Result<bool> StreamDecoder::read_label() {
  const ByteView in = pending();
  if (in.empty()) return false;
  if (in[0] == kLabelType) {
    if (in.size() < 2) return false;
    if (in[1] != 0 && in.size() < 2u + in[1]) return false;
  }
  auto accepted = accept_label(in, opts_.label, opts_.skip_inbound_label_check);
  if (!accepted) return std::move(accepted).failure();
  label_ = std::string(accepted->label);
  consume(in.size() - accepted->rest.size());
  stage_ = Stage::frame;
  return true;
}

Result<std::optional<StreamMessage>> StreamDecoder::read_frame() {
  const ByteView in = pending();
  if (in.empty()) return std::optional<StreamMessage>{};
  const bool keyed = keyring_in_use(opts_.keyring);
  if (in[0] == kEncryptType) {
    if (!keyed) {
      return fail(Err::unexpected_encryption, "encrypted stream but no keyring is configured");
    }
    return read_encrypted();
  }
  if (keyed && opts_.verify_incoming) {
    return fail(Err::plaintext_rejected, "encryption is configured but the stream is plaintext");
  }
  return read_plain();
}

Result<std::optional<StreamMessage>> StreamDecoder::read_encrypted() {
  const ByteView in = pending();
  if (in.size() < kStreamEncryptHeaderSize) return std::optional<StreamMessage>{};
  const std::uint32_t size = get_be32(in.data() + 1);
  if (size > kMaxEncryptedStreamSize) {
    return fail(Err::oversized, "encrypted frame announces " + std::to_string(size) +
                                    " bytes, more than 20 MiB");
  }
  if (in.size() - kStreamEncryptHeaderSize < size) return std::optional<StreamMessage>{};
  const ByteView blob = in.subspan(kStreamEncryptHeaderSize, size);
  auto plain = decrypt(*opts_.keyring, blob, stream_aad(size, label_));
  if (!plain) return std::move(plain).failure();
  consume(kStreamEncryptHeaderSize + size);
  auto msg = finish_buffered(std::move(plain).value(), true);
  if (!msg) return std::move(msg).failure();
  return std::optional<StreamMessage>(std::move(msg).value());
}

Result<std::optional<StreamMessage>> StreamDecoder::read_plain() {
  const ByteView in = pending();
  if (in[0] == kCompressType) {
    // One msgpack object after the type byte, skipped as it arrives.
    if (scan_.scanned == 0) scan_.scanned = 1;
    Status st = skip_value(in, scan_, "compress");
    if (!st) {
      if (st.code() == Err::truncated) return std::optional<StreamMessage>{};
      return std::move(st).failure();
    }
    const std::size_t size = scan_.scanned;
    scan_ = Scan{};
    Bytes wrapped(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(size));
    consume(size);
    auto msg = finish_buffered(std::move(wrapped), false);
    if (!msg) return std::move(msg).failure();
    return std::optional<StreamMessage>(std::move(msg).value());
  }
  auto len = scan_message(in, scan_);
  if (!len) return std::move(len).failure();
  if (!len->has_value()) return std::optional<StreamMessage>{};
  StreamMessage msg;
  msg.bytes.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(**len));
  consume(**len);
  scan_ = Scan{};
  return std::optional<StreamMessage>(std::move(msg));
}

Result<StreamMessage> StreamDecoder::finish_buffered(Bytes data, bool encrypted) {
  StreamMessage msg;
  msg.encrypted = encrypted;
  if (data.empty()) return fail(Err::empty_part, "encrypted frame holds nothing");
  if (data[0] == kCompressType) {
    auto inflated = decompress_body(ByteView(data).subspan(1), opts_.max_decompressed);
    if (!inflated) return std::move(inflated).failure();
    data = std::move(inflated).value();
    msg.compressed = true;
  }
  Scan scan;
  auto len = scan_message(data, scan);
  if (!len) return std::move(len).failure();
  if (!len->has_value()) {
    return fail(Err::truncated, std::string(msg.compressed ? "inflated" : "decrypted") +
                                    " data ends before the message it holds");
  }
  data.resize(**len);  // bytes after the message are ignored, as Go does
  msg.bytes = std::move(data);
  return msg;
}

Status StreamDecoder::skip_value(ByteView data, Scan& scan, std::string_view what) {
  msgpack::Reader r(data.subspan(scan.scanned));
  if (scan.skip.empty()) scan.skip.push_back(1);
  Status st = r.skip_resumable(scan.skip, what);
  scan.scanned += r.offset();
  return st;
}

Result<std::optional<std::size_t>> StreamDecoder::scan_message(ByteView data, Scan& scan) {
  using Part = Scan::Part;
  const std::optional<std::size_t> need_more;
  // Runs a msgpack step on the unscanned bytes; "truncated" means wait.
  enum class Outcome { done, wait, error };
  auto run = [&](auto&& body, Failure<Err>& error) -> Outcome {
    msgpack::Reader r(data.subspan(scan.scanned));
    Status st = body(r);
    if (st) {
      scan.scanned += r.offset();
      return Outcome::done;
    }
    if (st.code() == Err::truncated) return Outcome::wait;
    error = std::move(st).failure();
    return Outcome::error;
  };
  Failure<Err> error{};
  // Skips one whole value, resuming where the last call stopped: progress
  // within the value is kept even while waiting for more bytes.
  auto skip_whole = [&](std::string_view what) -> Outcome {
    Status st = skip_value(data, scan, what);
    if (st) return Outcome::done;
    if (st.code() == Err::truncated) return Outcome::wait;
    error = std::move(st).failure();
    return Outcome::error;
  };

  for (;;) {
    switch (scan.part) {
      case Part::start: {
        if (data.empty()) return need_more;
        const std::uint8_t type = data[0];
        scan.scanned = 1;
        if (type == type_byte(MsgType::ping) || type == type_byte(MsgType::ack) ||
            type == type_byte(MsgType::err)) {
          scan.part = Part::object;
        } else if (type == type_byte(MsgType::push_pull)) {
          scan.part = Part::push_pull_header;
        } else if (type == type_byte(MsgType::user)) {
          scan.part = Part::user_header;
        } else {
          scan.scanned = 0;
          return fail(Err::unknown_type,
                      "message type " + std::to_string(type) + " cannot start a stream message");
        }
        break;
      }
      case Part::object: {
        const Outcome o = skip_whole("stream message");
        if (o == Outcome::wait) return need_more;
        if (o == Outcome::error) return error;
        return std::optional<std::size_t>(scan.scanned);
      }
      case Part::push_pull_header: {
        // The header is one msgpack object right after the type byte: wait
        // until all of it is here (skipped as it arrives), then decode it
        // once. Decoding it on every chunk would cost its size each time.
        const Outcome whole = skip_whole("push/pull header");
        if (whole == Outcome::wait) return need_more;
        if (whole == Outcome::error) return error;
        scan.scanned = 1;
        const Outcome o = run(
            [&](msgpack::Reader& r) -> Status {
              auto h = decode_push_pull_header(r);
              if (!h) return h.status();
              if (h->nodes < 0 || h->user_state_len < 0) {
                return fail(Err::bad_length, "push/pull header with a negative count");
              }
              if (h->nodes > kMaxPushPullNodes) {
                return fail(Err::oversized,
                            "push/pull announces " + std::to_string(h->nodes) + " nodes");
              }
              if (h->user_state_len > kMaxUserStateBytes) {
                return fail(Err::oversized, "push/pull announces " +
                                                std::to_string(h->user_state_len) +
                                                " bytes of user state");
              }
              scan.nodes_left = static_cast<std::uint64_t>(h->nodes);
              scan.tail = static_cast<std::uint64_t>(h->user_state_len);
              return {};
            },
            error);
        if (o == Outcome::wait) return need_more;
        if (o == Outcome::error) return error;
        scan.part = Part::push_pull_nodes;
        break;
      }
      case Part::push_pull_nodes: {
        while (scan.nodes_left > 0) {
          const Outcome o = skip_whole("push/pull node");
          if (o == Outcome::wait) return need_more;
          if (o == Outcome::error) return error;
          --scan.nodes_left;
        }
        scan.part = Part::raw_tail;
        break;
      }
      case Part::user_header: {
        // As the push/pull header: whole first, then decoded once.
        const Outcome whole = skip_whole("user message header");
        if (whole == Outcome::wait) return need_more;
        if (whole == Outcome::error) return error;
        scan.scanned = 1;
        const Outcome o = run(
            [&](msgpack::Reader& r) -> Status {
              auto h = decode_user_msg_header(r);
              if (!h) return h.status();
              if (h->user_msg_len < 0) {
                return fail(Err::bad_length, "user message header with a negative length");
              }
              if (h->user_msg_len > kMaxStreamUserMsgBytes) {
                return fail(Err::oversized, "user message announces " +
                                                std::to_string(h->user_msg_len) + " bytes");
              }
              scan.tail = static_cast<std::uint64_t>(h->user_msg_len);
              return {};
            },
            error);
        if (o == Outcome::wait) return need_more;
        if (o == Outcome::error) return error;
        scan.part = Part::raw_tail;
        break;
      }
      case Part::raw_tail: {
        if (data.size() - scan.scanned < scan.tail) return need_more;
        return std::optional<std::size_t>(scan.scanned + static_cast<std::size_t>(scan.tail));
      }
    }
  }
}

}  // namespace wkd::wire
