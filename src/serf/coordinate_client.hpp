// Vivaldi network coordinates (Dabek et al., "Vivaldi: A Decentralized
// Network Coordinate System", SIGCOMM 2004; with the height vectors of
// §5.4 and the refinements of Ledlie et al., "Network Coordinates in the
// Wild", NSDI 2007), as serf's coordinate/ package computes them so a wkd
// node's coordinate means the same to a serf node (docs/wire.md §11.9).
//
// Each node holds a point in 8-dimensional Euclidean space plus a "height"
// (access-link latency) and an adjustment term; the predicted RTT between
// two nodes is |a - b| + height_a + height_b (+ both adjustments when that
// stays positive). After every successful direct probe the node moves its
// point with one spring-relaxation step:
//
//  1. latency filter: the RTT used is the median of the last 3 samples for
//     that peer (damps outliers; at most kMaxLatencyFilter are kept);
//  2. Vivaldi: the relative prediction error |dist - rtt| / rtt updates the
//     node's own error estimate, weighted by how confident it is compared to
//     the peer (w = e_local / (e_local + e_remote)); the point then moves
//     along the unit vector away from (or towards) the peer by
//     cc * w * (rtt - dist); the height scales with the same force;
//  3. adjustment: the mean over a window of 20 of (rtt - raw distance),
//     halved, absorbs systematic error the Euclidean part can't;
//  4. gravity: a weak pull towards the origin, -(dist/rho)^2 with rho 150,
//     stops the whole cluster from drifting.
//
// Updates from a coordinate of another dimensionality or with a non-finite
// component, or with an RTT outside [0, 10 s], are rejected; if the result
// is ever non-finite the coordinate is reset (and counted). When two points
// coincide the direction is random, drawn from the injected Rng.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/rng.hpp"
#include "common/time.hpp"
#include "wire/coordinate.hpp"

namespace wkd::serf {

struct VivaldiConfig {
  std::size_t dimensionality = wire::kCoordinateDimensions;  // 8
  double vivaldi_error_max = wire::kVivaldiErrorMax;         // 1.5
  double vivaldi_ce = 0.25;
  double vivaldi_cc = 0.25;
  std::size_t adjustment_window_size = 20;
  double height_min = wire::kHeightMin;                      // 1e-5
  std::size_t latency_filter_size = 3;  // clamped to [1, kMaxLatencyFilter]
  double gravity_rho = 150.0;
};

inline constexpr std::size_t kMaxLatencyFilter = 4;

// Distance between two coordinates in seconds, as serf's DistanceTo
// (adjusted when that stays positive, truncated to whole nanoseconds).
// Both must have the same dimensionality.
double distance_seconds(const wire::Coordinate& a, const wire::Coordinate& b);

class CoordinateClient {
 public:
  CoordinateClient(VivaldiConfig cfg, Rng& rng);

  const wire::Coordinate& coordinate() const noexcept { return coord_; }
  const VivaldiConfig& config() const noexcept { return cfg_; }

  // Replaces the coordinate (checked like an update's input).
  bool set_coordinate(const wire::Coordinate& c, std::string* why = nullptr);

  // One update from a probe of `node` that answered with `other` after
  // `rtt`. Returns false (and leaves the state alone) when rejected, with
  // the reason in *why.
  bool update(std::string_view node, const wire::Coordinate& other, Duration rtt,
              std::string* why = nullptr);

  // The coordinate `node` sent in its last accepted update (serf's
  // coordinate cache); null before the first.
  const wire::Coordinate* peer_coordinate(std::string_view node) const;

  // The RTT in seconds the latency filter gives for `node` now: the median
  // of its kept samples; nullopt before the first.
  std::optional<double> filtered_rtt(std::string_view node) const;

  // Drops the latency samples and the coordinate of a node that left.
  void forget_node(std::string_view node);

  std::size_t resets() const noexcept { return resets_; }

 private:
  bool check(const wire::Coordinate& c, std::string* why) const;
  void update_vivaldi(const wire::Coordinate& other, double rtt_seconds);
  void update_adjustment(const wire::Coordinate& other, double rtt_seconds);
  void update_gravity();
  // Moves `out` in place by `force` along the unit vector from `other` to it.
  void apply_force(wire::Coordinate& out, double force, const wire::Coordinate& other);

  VivaldiConfig cfg_;
  Rng& rng_;
  wire::Coordinate coord_;
  wire::Coordinate origin_;
  std::size_t adjustment_index_ = 0;
  std::vector<double> adjustment_samples_;
  // Everything kept of one peer, in one map entry: its last RTTs (a ring)
  // and its last accepted coordinate (no components until then).
  struct Peer {
    wire::Coordinate coord;
    std::array<double, kMaxLatencyFilter> rtts{};
    std::uint8_t n_rtts = 0, next_rtt = 0;
  };
  Peer& peer(std::string_view node);  // found, or made empty
  // Adds a sample to p's filter and returns the filtered RTT.
  double latency_filter(Peer& p, double rtt_seconds);
  static double median(const Peer& p);
  std::map<std::string, Peer, std::less<>> peers_;
  std::size_t resets_ = 0;
  std::vector<double> scratch_;  // apply_force's unit vector
};

}  // namespace wkd::serf
