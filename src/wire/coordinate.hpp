// Vivaldi network coordinates carried in ping acks (docs/wire.md §11.9, §14).
//
// Serf's ping delegate puts `0x01 ‖ msgpack Coordinate` in every ack it
// sends: a map {Adjustment, Error, Height, Vec} of float64s, Vec an 8-element
// array. The fresh coordinate (Vec zeros, Error 1.5, Adjustment 0, Height
// 1e-5) is 130 bytes and makes the 150-byte ack seen in captures. A receiver
// ignores payloads of another version, and refuses coordinates of the wrong
// dimensionality or with NaN/Inf components (they would poison the Vivaldi
// state); the same checks guard the encoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bytes.hpp"
#include "wire/errors.hpp"
#include "wire/msgpack.hpp"

namespace wkd::wire {

struct Coordinate {
  std::vector<double> vec;
  double error = 0;
  double adjustment = 0;
  double height = 0;
  friend bool operator==(const Coordinate&, const Coordinate&) = default;
};

// Serf's configuration (coordinate.DefaultConfig).
inline constexpr std::size_t kCoordinateDimensions = 8;
inline constexpr double kVivaldiErrorMax = 1.5;
inline constexpr double kHeightMin = 1.0e-5;
// First byte of the ack payload.
inline constexpr std::uint8_t kPingPayloadVersion = 1;

// Vec zeros, Error 1.5, Adjustment 0, Height 1e-5.
Coordinate initial_coordinate(std::size_t dimensions = kCoordinateDimensions);

// Checks dimensionality and that every component is finite (Err::bad_field).
Status check_coordinate(const Coordinate& c, std::size_t dimensions = kCoordinateDimensions);

// The msgpack map only.
Status encode_coordinate_body(const Coordinate& c, msgpack::Writer& w);
// 0x01 ‖ map: an ack payload. Refuses what check_coordinate() refuses.
Result<Bytes> encode_coordinate_payload(const Coordinate& c,
                                        std::size_t dimensions = kCoordinateDimensions);

// Decodes an ack payload. Empty is Err::truncated (serf ignores those
// silently: callers should test empty() first); another version byte is
// Err::unknown_type; a missing field is Err::missing_field; a bad
// dimensionality or NaN/Inf is Err::bad_field.
Result<Coordinate> decode_coordinate_payload(ByteView payload,
                                             std::size_t dimensions = kCoordinateDimensions);

}  // namespace wkd::wire
