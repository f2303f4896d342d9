#include <gtest/gtest.h>
#include <iostream>
#include "support/sim_cluster.hpp"
#include "swim/memberlist.hpp"
#include "wire/memberlist_codec.hpp"
#include "wire/packet.hpp"
namespace wkd::sim {
namespace {
TEST(ZzDebug, Loss613) {
  SimCluster c(200, 20240613);
  c.set_loss(0.10);
  c.net().set_tap([&](TimePoint at, NodeId from, NodeId to, ByteView bytes, bool stream) {
    if (to != 42) return;
    double t = static_cast<double>(at.time_since_epoch().count()) / 1e9;
    if (t < 70 || t > 130) return;
    if (stream) { std::cout << t << " stream chunk from n" << from << " " << bytes.size() << "\n"; return; }
    wire::PacketDecodeOptions o; wire::DecodeCounters dc;
    auto d = wire::decode_packet(bytes, o, dc);
    if (!d.ok()) return;
    for (auto& m : d->messages) {
      if (m.type() == 4) { auto a = wire::decode_alive(m.body()); if (a.ok() && a->node == "n151") std::cout << t << " alive n151 inc " << a->incarnation << " from n" << from << "\n"; }
      if (m.type() == 3) { auto a = wire::decode_suspect(m.body()); if (a.ok() && a->node == "n151") std::cout << t << " suspect n151 inc " << a->incarnation << " by " << a->from << " via n" << from << "\n"; }
    }
  });
  c.start_all();
  c.join_all_to(0);
  ASSERT_TRUE(c.wait_converged(seconds(120)));
  c.run_for(seconds(70) - c.elapsed());
  for (int i = 0; i < 62; ++i) {
    auto v = c.member(42).view("n151");
    std::cout << "t=" << to_ms(c.elapsed()) << " n42 sees n151 " << (v ? swim::node_state_name(v->state) : "none") << " inc " << (v ? v->incarnation : 0) << " pp=" << c.memberlist(42).stats().push_pulls << "\n";
    c.run_for(seconds(1));
  }
}
}
}
