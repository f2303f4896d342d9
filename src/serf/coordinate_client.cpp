// Vivaldi coordinate client (see coordinate_client.hpp for the algorithm).
//
// Arithmetic follows serf's coordinate package step for step, including its
// conversions through whole nanoseconds (time.Duration) where serf makes
// them, so both implementations move a coordinate identically for the same
// inputs (except for the random direction taken when two points coincide).
#include "serf/coordinate_client.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace wkd::serf {

namespace {

constexpr double kZeroThreshold = 1.0e-6;
constexpr Duration kMaxRtt = seconds(10);

// Go's time.Duration.Seconds().
double duration_seconds(std::int64_t ns) {
  const std::int64_t sec = ns / 1'000'000'000;
  const std::int64_t nsec = ns % 1'000'000'000;
  return static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
}

bool finite(double v) { return std::isfinite(v); }

bool valid(const wire::Coordinate& c) {
  for (double v : c.vec) {
    if (!finite(v)) return false;
  }
  return finite(c.error) && finite(c.adjustment) && finite(c.height);
}

double magnitude(const std::vector<double>& v) {
  double sum = 0.0;
  for (double x : v) sum += x * x;
  return std::sqrt(sum);
}

// |a - b|, summed in the order magnitude() sums, without a temporary.
double distance_between(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = a[i] - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

double raw_distance(const wire::Coordinate& a, const wire::Coordinate& b) {
  return distance_between(a.vec, b.vec) + a.height + b.height;
}

wire::Coordinate fresh(const VivaldiConfig& cfg) {
  wire::Coordinate c;
  c.vec.assign(cfg.dimensionality, 0.0);
  c.error = cfg.vivaldi_error_max;
  c.adjustment = 0.0;
  c.height = cfg.height_min;
  return c;
}

}  // namespace

double distance_seconds(const wire::Coordinate& a, const wire::Coordinate& b) {
  double dist = raw_distance(a, b);
  const double adjusted = dist + a.adjustment + b.adjustment;
  if (adjusted > 0.0) dist = adjusted;
  return duration_seconds(static_cast<std::int64_t>(dist * 1e9));
}

CoordinateClient::CoordinateClient(VivaldiConfig cfg, Rng& rng)
    : cfg_(cfg),
      rng_(rng),
      coord_(fresh(cfg_)),
      origin_(fresh(cfg_)),
      adjustment_samples_(cfg_.adjustment_window_size, 0.0) {}

bool CoordinateClient::check(const wire::Coordinate& c, std::string* why) const {
  if (c.vec.size() != coord_.vec.size()) {
    if (why) {
      *why = "dimensions aren't compatible (" + std::to_string(c.vec.size()) + " vs " +
             std::to_string(coord_.vec.size()) + ")";
    }
    return false;
  }
  if (!valid(c)) {
    if (why) *why = "coordinate is invalid (NaN or Inf component)";
    return false;
  }
  return true;
}

bool CoordinateClient::set_coordinate(const wire::Coordinate& c, std::string* why) {
  if (!check(c, why)) return false;
  coord_ = c;
  return true;
}

const wire::Coordinate* CoordinateClient::peer_coordinate(std::string_view node) const {
  auto it = peers_.find(node);
  return it == peers_.end() || it->second.coord.vec.empty() ? nullptr : &it->second.coord;
}

void CoordinateClient::forget_node(std::string_view node) {
  if (auto it = peers_.find(node); it != peers_.end()) peers_.erase(it);
}

CoordinateClient::Peer& CoordinateClient::peer(std::string_view node) {
  auto it = peers_.find(node);
  if (it == peers_.end()) it = peers_.emplace(std::string(node), Peer{}).first;
  return it->second;
}

double CoordinateClient::latency_filter(Peer& p, double rtt_seconds) {
  // The newest sample replaces the oldest once the filter is full.
  const std::size_t size = std::clamp<std::size_t>(cfg_.latency_filter_size, 1, kMaxLatencyFilter);
  p.rtts[p.next_rtt] = rtt_seconds;
  p.next_rtt = static_cast<std::uint8_t>((p.next_rtt + 1) % size);
  if (p.n_rtts < size) ++p.n_rtts;
  return median(p);
}

double CoordinateClient::median(const Peer& p) {
  // The median does not depend on the order the samples were taken in.
  // At most kMaxLatencyFilter of them: an insertion sort.
  std::array<double, kMaxLatencyFilter> sorted{};
  for (std::size_t i = 0; i < p.n_rtts; ++i) {
    std::size_t j = i;
    for (; j > 0 && sorted[j - 1] > p.rtts[i]; --j) sorted[j] = sorted[j - 1];
    sorted[j] = p.rtts[i];
  }
  return sorted[p.n_rtts / 2];
}

std::optional<double> CoordinateClient::filtered_rtt(std::string_view node) const {
  auto it = peers_.find(node);
  if (it == peers_.end() || it->second.n_rtts == 0) return std::nullopt;
  return median(it->second);
}

void CoordinateClient::apply_force(wire::Coordinate& out, double force, const wire::Coordinate& other) {
  std::vector<double>& unit = scratch_;  // reused: no allocation per update
  unit.resize(out.vec.size());
  for (std::size_t i = 0; i < unit.size(); ++i) unit[i] = out.vec[i] - other.vec[i];
  double mag = magnitude(unit);
  if (mag > kZeroThreshold) {
    for (double& x : unit) x /= mag;
  } else {
    // Coincident points: push in a random direction.
    for (double& x : unit) x = rng_.unit() - 0.5;
    const double rmag = magnitude(unit);
    if (rmag > kZeroThreshold) {
      for (double& x : unit) x /= rmag;
    } else {
      std::fill(unit.begin(), unit.end(), 0.0);
      if (!unit.empty()) unit[0] = 1.0;
    }
    mag = 0.0;
  }
  for (std::size_t i = 0; i < out.vec.size(); ++i) out.vec[i] += unit[i] * force;
  if (mag > kZeroThreshold) {
    out.height = (out.height + other.height) * force / mag + out.height;
    out.height = std::max(out.height, cfg_.height_min);
  }
}

void CoordinateClient::update_vivaldi(const wire::Coordinate& other, double rtt_seconds) {
  const double dist = distance_seconds(coord_, other);
  rtt_seconds = std::max(rtt_seconds, kZeroThreshold);
  const double wrongness = std::fabs(dist - rtt_seconds) / rtt_seconds;

  double total_error = coord_.error + other.error;
  total_error = std::max(total_error, kZeroThreshold);
  const double weight = coord_.error / total_error;

  coord_.error = cfg_.vivaldi_ce * weight * wrongness + coord_.error * (1.0 - cfg_.vivaldi_ce * weight);
  coord_.error = std::min(coord_.error, cfg_.vivaldi_error_max);

  const double force = cfg_.vivaldi_cc * weight * (rtt_seconds - dist);
  apply_force(coord_, force, other);
}

void CoordinateClient::update_adjustment(const wire::Coordinate& other, double rtt_seconds) {
  if (cfg_.adjustment_window_size == 0) return;
  adjustment_samples_[adjustment_index_] = rtt_seconds - raw_distance(coord_, other);
  adjustment_index_ = (adjustment_index_ + 1) % cfg_.adjustment_window_size;
  double sum = 0.0;
  for (double s : adjustment_samples_) sum += s;
  coord_.adjustment = sum / (2.0 * static_cast<double>(cfg_.adjustment_window_size));
}

void CoordinateClient::update_gravity() {
  const double dist = distance_seconds(origin_, coord_);
  const double force = -1.0 * std::pow(dist / cfg_.gravity_rho, 2.0);
  apply_force(coord_, force, origin_);
}

bool CoordinateClient::update(std::string_view node, const wire::Coordinate& other, Duration rtt,
                              std::string* why) {
  if (!check(other, why)) return false;
  if (rtt < Duration::zero() || rtt > kMaxRtt) {
    if (why) {
      *why = "round trip time " + std::to_string(rtt.count()) + "ns not in [0, " +
             std::to_string(kMaxRtt.count()) + "ns]";
    }
    return false;
  }
  Peer& p = peer(node);
  const double rtt_seconds = latency_filter(p, duration_seconds(rtt.count()));
  update_vivaldi(other, rtt_seconds);
  update_adjustment(other, rtt_seconds);
  update_gravity();
  if (!valid(coord_)) {
    ++resets_;
    coord_ = fresh(cfg_);
  }
  p.coord = other;
  return true;
}

}  // namespace wkd::serf
