// Vivaldi coordinate ack payloads (see coordinate.hpp; docs/wire.md §11.9).
//
// Go's coordinate.Coordinate is {Vec []float64, Error, Adjustment, Height
// float64}; go-msgpack writes it as a map with keys in byte order
// (Adjustment, Error, Height, Vec) and each float64 as cb + 8 bytes. The
// decoder takes float32 and integers too (docs/wire.md §2.2) and validates
// the result the way serf's Vivaldi client does before using it.
#include "wire/coordinate.hpp"

#include <array>
#include <cmath>
#include <string>
#include <string_view>

#include "wire/struct_reader.hpp"

namespace wkd::wire {

namespace {

constexpr std::array<std::string_view, 4> kCoordinateFields{"Vec", "Error", "Adjustment",
                                                            "Height"};

Status read_float_into(msgpack::Reader& r, std::string_view field, double& out) {
  auto v = r.read_float(field);
  if (!v) return std::move(v).failure();
  out = *v;
  return {};
}

}  // namespace

Coordinate initial_coordinate(std::size_t dimensions) {
  Coordinate c;
  c.vec.assign(dimensions, 0.0);
  c.error = kVivaldiErrorMax;
  c.adjustment = 0.0;
  c.height = kHeightMin;
  return c;
}

Status check_coordinate(const Coordinate& c, std::size_t dimensions) {
  if (c.vec.size() != dimensions) {
    return fail(Err::bad_field, "coordinate.Vec has " + std::to_string(c.vec.size()) +
                                    " dimensions, expected " + std::to_string(dimensions));
  }
  auto finite = [](double v) { return std::isfinite(v); };
  for (std::size_t i = 0; i < c.vec.size(); ++i) {
    if (!finite(c.vec[i])) {
      return fail(Err::bad_field, "coordinate.Vec[" + std::to_string(i) + "] is not finite");
    }
  }
  if (!finite(c.error)) return fail(Err::bad_field, "coordinate.Error is not finite");
  if (!finite(c.adjustment)) return fail(Err::bad_field, "coordinate.Adjustment is not finite");
  if (!finite(c.height)) return fail(Err::bad_field, "coordinate.Height is not finite");
  return {};
}

Status encode_coordinate_body(const Coordinate& c, msgpack::Writer& w) {
  w.map_header(4);
  w.key("Adjustment");
  w.float64(c.adjustment);
  w.key("Error");
  w.float64(c.error);
  w.key("Height");
  w.float64(c.height);
  w.key("Vec");
  w.array_header(static_cast<std::uint32_t>(c.vec.size()));
  for (double v : c.vec) w.float64(v);
  return {};
}

Result<Bytes> encode_coordinate_payload(const Coordinate& c, std::size_t dimensions) {
  if (auto st = check_coordinate(c, dimensions); !st) return std::move(st).failure();
  Bytes out;
  out.reserve(16 + 9 * c.vec.size() + 3 * 9 + 48);  // version, map and keys, float64s: one allocation
  out.push_back(kPingPayloadVersion);
  msgpack::Writer w(out);
  if (auto st = encode_coordinate_body(c, w); !st) return std::move(st).failure();
  return out;
}

Result<Coordinate> decode_coordinate_payload(ByteView payload, std::size_t dimensions) {
  if (payload.empty()) return fail(Err::truncated, "ack payload is empty");
  if (payload[0] != kPingPayloadVersion) {
    return fail(Err::unknown_type,
                "ack payload version " + std::to_string(payload[0]) + " is not supported");
  }
  msgpack::Reader r(payload.subspan(1));
  Coordinate c;
  auto present =
      detail::read_struct(r, "coordinate", kCoordinateFields, [&](std::size_t i) -> Status {
        switch (i) {
          case 0: {
            auto n = r.read_array_header("coordinate.Vec");
            if (!n) return std::move(n).failure();
            c.vec.assign(*n, 0.0);
            for (auto& v : c.vec) {
              if (auto st = read_float_into(r, "coordinate.Vec", v); !st) return st;
            }
            return {};
          }
          case 1: return read_float_into(r, "coordinate.Error", c.error);
          case 2: return read_float_into(r, "coordinate.Adjustment", c.adjustment);
          default: return read_float_into(r, "coordinate.Height", c.height);
        }
      });
  if (!present) return std::move(present).failure();
  if (auto st = detail::require_fields(*present, "coordinate", kCoordinateFields, {0, 1, 2, 3});
      !st) {
    return std::move(st).failure();
  }
  if (auto st = check_coordinate(c, dimensions); !st) return std::move(st).failure();
  return c;
}

}  // namespace wkd::wire
