// Vivaldi: one update checked against values computed by hand (and by an
// independent model of serf's coordinate package), the latency filter, and
// every rejection serf makes.
#include "serf/coordinate_client.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace wkd::serf {
namespace {

wire::Coordinate at_x(double x) {
  wire::Coordinate c = wire::initial_coordinate();
  c.vec[0] = x;
  return c;
}

TEST(SerfVivaldi, StartsAtTheOriginWithMaximumError) {
  Rng rng(1);
  CoordinateClient c(VivaldiConfig{}, rng);
  EXPECT_EQ(c.coordinate(), wire::initial_coordinate());
}

// Local at the origin, peer 10 ms away on axis 0, both error 1.5, height
// 1e-5; measured RTT 20 ms.
//   dist      = 0.01 + 2e-5                          = 0.01002 s
//   wrongness = |0.01002 - 0.02| / 0.02              = 0.499
//   weight    = 1.5 / 3                              = 0.5
//   error     = 0.25*0.5*0.499 + 1.5*(1 - 0.125)     = 1.374875
//   force     = 0.25*0.5*(0.02 - 0.01002)            = 0.0012475
//   vec[0]    = 0 - 0.0012475 (pushed away from the peer)
//   height    = 2e-5 * 0.0012475/0.01 + 1e-5         = 1.2495e-5
//   adjust    = (0.02 - (0.0112475 + 2.2495e-5)) / 40 = 0.000218250125
//   gravity   = -(0.001488245/150)^2 ~ -1e-10: negligible at this scale.
TEST(SerfVivaldi, OneUpdateMatchesHandComputation) {
  Rng rng(1);
  CoordinateClient c(VivaldiConfig{}, rng);
  ASSERT_TRUE(c.update("b", at_x(0.01), milliseconds(20)));
  const auto& k = c.coordinate();
  EXPECT_NEAR(k.error, 1.374875, 1e-12);
  EXPECT_NEAR(k.vec[0], -0.0012475, 1e-9);
  EXPECT_NEAR(k.height, 1.2495e-5, 1e-11);
  EXPECT_NEAR(k.adjustment, 0.000218250125, 1e-12);
  for (std::size_t i = 1; i < k.vec.size(); ++i) EXPECT_EQ(k.vec[i], 0.0);
  // Gravity did act (pulling back towards the origin, by ~1e-10).
  EXPECT_GT(k.vec[0], -0.0012475);
}

TEST(SerfVivaldi, DistanceUsesAdjustmentOnlyWhenPositive) {
  wire::Coordinate a = at_x(0.0);
  wire::Coordinate b = at_x(0.003);
  // 3 ms + two heights of 10 us.
  EXPECT_NEAR(distance_seconds(a, b), 0.00302, 1e-12);
  a.adjustment = 0.001;
  EXPECT_NEAR(distance_seconds(a, b), 0.00402, 1e-12);
  a.adjustment = -1.0;  // would go negative: ignored
  EXPECT_NEAR(distance_seconds(a, b), 0.00302, 1e-12);
}

TEST(SerfVivaldi, ErrorIsCappedAtTheMaximum) {
  Rng rng(1);
  CoordinateClient c(VivaldiConfig{}, rng);
  // A wildly wrong prediction (RTT 1 ms for a 1 s distance: relative error
  // ~1000) would push the error far above 1.5.
  ASSERT_TRUE(c.update("b", at_x(1.0), milliseconds(1)));
  EXPECT_EQ(c.coordinate().error, 1.5);
}

TEST(SerfVivaldi, LatencyFilterTakesTheMedianOfThree) {
  // Same samples except one outlier: the median hides it, so both clients
  // end up at exactly the same place.
  Rng r1(7), r2(7);
  CoordinateClient steady(VivaldiConfig{}, r1), spiky(VivaldiConfig{}, r2);
  const auto peer = at_x(0.01);
  ASSERT_TRUE(steady.update("b", peer, milliseconds(20)));
  ASSERT_TRUE(spiky.update("b", peer, milliseconds(20)));
  ASSERT_TRUE(steady.update("b", peer, milliseconds(20)));
  ASSERT_TRUE(spiky.update("b", peer, milliseconds(20)));
  ASSERT_TRUE(steady.update("b", peer, milliseconds(20)));
  ASSERT_TRUE(spiky.update("b", peer, seconds(5)));
  EXPECT_EQ(steady.coordinate(), spiky.coordinate());
}

TEST(SerfVivaldi, LatencyFilterKeepsTheLastThreeSamples) {
  Rng rng(7);
  CoordinateClient c(VivaldiConfig{}, rng);
  const auto peer = at_x(0.01);
  EXPECT_FALSE(c.filtered_rtt("b").has_value());
  auto rtt_after = [&](int ms) {
    EXPECT_TRUE(c.update("b", peer, milliseconds(ms)));
    return *c.filtered_rtt("b");
  };
  EXPECT_DOUBLE_EQ(rtt_after(10), 0.010);
  EXPECT_DOUBLE_EQ(rtt_after(30), 0.030);  // {10, 30}: the upper middle, as serf
  EXPECT_DOUBLE_EQ(rtt_after(20), 0.020);  // {10, 30, 20}
  EXPECT_DOUBLE_EQ(rtt_after(40), 0.030);  // 10 goes: {30, 20, 40}
  EXPECT_DOUBLE_EQ(rtt_after(5), 0.020);   // 30 goes: {20, 40, 5}
  EXPECT_DOUBLE_EQ(rtt_after(6), 0.006);   // 20 goes: {40, 5, 6}
  // A rejected update adds no sample and caches nothing.
  EXPECT_FALSE(c.update("b", peer, seconds(11)));
  EXPECT_DOUBLE_EQ(*c.filtered_rtt("b"), 0.006);
  EXPECT_FALSE(c.update("c", peer, seconds(11)));
  EXPECT_FALSE(c.filtered_rtt("c").has_value());
  EXPECT_EQ(c.peer_coordinate("c"), nullptr);
}

TEST(SerfVivaldi, ThePeersLastAcceptedCoordinateIsCachedUntilItIsForgotten) {
  Rng rng(7);
  CoordinateClient c(VivaldiConfig{}, rng);
  EXPECT_EQ(c.peer_coordinate("b"), nullptr);
  ASSERT_TRUE(c.update("b", at_x(0.01), milliseconds(20)));
  ASSERT_NE(c.peer_coordinate("b"), nullptr);
  EXPECT_EQ(*c.peer_coordinate("b"), at_x(0.01));
  wire::Coordinate bad = at_x(0.02);
  bad.vec.pop_back();
  EXPECT_FALSE(c.update("b", bad, milliseconds(20)));
  EXPECT_EQ(*c.peer_coordinate("b"), at_x(0.01));  // the rejected one is not kept
  ASSERT_TRUE(c.update("b", at_x(0.03), milliseconds(20)));
  EXPECT_EQ(*c.peer_coordinate("b"), at_x(0.03));
  c.forget_node("b");
  EXPECT_EQ(c.peer_coordinate("b"), nullptr);
  EXPECT_FALSE(c.filtered_rtt("b").has_value());
  // Samples start again from nothing.
  ASSERT_TRUE(c.update("b", at_x(0.01), milliseconds(50)));
  EXPECT_DOUBLE_EQ(*c.filtered_rtt("b"), 0.050);
}

TEST(SerfVivaldi, RejectsWrongDimensionality) {
  Rng rng(1);
  CoordinateClient c(VivaldiConfig{}, rng);
  wire::Coordinate bad = at_x(0.01);
  bad.vec.pop_back();
  std::string why;
  EXPECT_FALSE(c.update("b", bad, milliseconds(20), &why));
  EXPECT_NE(why.find("dimensions"), std::string::npos);
  EXPECT_EQ(c.coordinate(), wire::initial_coordinate());
}

TEST(SerfVivaldi, RejectsNonFiniteComponents) {
  Rng rng(1);
  CoordinateClient c(VivaldiConfig{}, rng);
  wire::Coordinate bad = at_x(0.01);
  bad.vec[3] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(c.update("b", bad, milliseconds(20)));
  bad = at_x(0.01);
  bad.height = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(c.update("b", bad, milliseconds(20)));
  EXPECT_EQ(c.coordinate(), wire::initial_coordinate());
}

TEST(SerfVivaldi, RejectsRttOutsideZeroToTenSeconds) {
  Rng rng(1);
  CoordinateClient c(VivaldiConfig{}, rng);
  EXPECT_FALSE(c.update("b", at_x(0.01), milliseconds(-1)));
  EXPECT_FALSE(c.update("b", at_x(0.01), seconds(10) + Duration(1)));
  EXPECT_EQ(c.coordinate(), wire::initial_coordinate());
  EXPECT_TRUE(c.update("b", at_x(0.01), seconds(10)));
  EXPECT_TRUE(c.update("b", at_x(0.01), Duration::zero()));
}

TEST(SerfVivaldi, CoincidentPointsSeparateInARandomDirection) {
  Rng rng(3);
  CoordinateClient c(VivaldiConfig{}, rng);
  // Both at the origin, RTT 50 ms: the node must move about force away.
  ASSERT_TRUE(c.update("b", wire::initial_coordinate(), milliseconds(50)));
  double norm = 0;
  for (double x : c.coordinate().vec) norm += x * x;
  // force = 0.25 * 0.5 * (0.05 - 2e-5)
  EXPECT_NEAR(std::sqrt(norm), 0.25 * 0.5 * (0.05 - 2e-5), 1e-6);
}

}  // namespace
}  // namespace wkd::serf
