// SharedBytes: nil versus empty versus bytes, sharing on copy, release of
// the last copy (checked by LeakSanitizer and valgrind in CI), and copies
// moving between threads.
#include "common/shared_bytes.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace wkd {
namespace {

TEST(SharedBytes, NilEmptyAndBytesAreDistinct) {
  const SharedBytes nil;
  const SharedBytes from_nullopt = std::nullopt;
  const SharedBytes empty = Bytes{};
  const SharedBytes ab = Bytes{'a', 'b'};
  EXPECT_FALSE(nil.has_value());
  EXPECT_FALSE(from_nullopt.has_value());
  EXPECT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(*ab, (Bytes{'a', 'b'}));
  EXPECT_EQ(nil, from_nullopt);
  EXPECT_FALSE(nil == empty);
  EXPECT_FALSE(empty == ab);
  EXPECT_EQ(ab, SharedBytes(Bytes{'a', 'b'}));  // equal content, separate copies
  EXPECT_EQ(nil.view().size(), 0u);
  EXPECT_EQ(ab.view().size(), 2u);
  EXPECT_EQ(nil.value_or(Bytes{'x'}), (Bytes{'x'}));
}

TEST(SharedBytes, RoundTripsThroughTheWireOptional) {
  const std::optional<Bytes> none;
  const std::optional<Bytes> some = Bytes{1, 2, 3};
  const SharedBytes a = none, b = some;
  EXPECT_EQ(a.to_optional(), none);
  EXPECT_EQ(b.to_optional(), some);
  EXPECT_TRUE(a == none);
  EXPECT_TRUE(b == some);
  EXPECT_FALSE(b == none);
  const std::optional<Bytes> back = b;
  EXPECT_EQ(back, some);
}

TEST(SharedBytes, CopiesShareAndOutliveTheOriginal) {
  SharedBytes copy;
  {
    const SharedBytes original = Bytes(100, 7);
    copy = original;
    EXPECT_TRUE(copy.shares(original));
    SharedBytes moved = std::move(copy);
    EXPECT_FALSE(copy.has_value());  // NOLINT(bugprone-use-after-move): moved-from is nil
    copy = moved;
  }
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(copy->size(), 100u);
  EXPECT_EQ((*copy)[99], 7);
  // Every empty value is the one shared instance: no allocation each.
  EXPECT_TRUE(SharedBytes(Bytes{}).shares(SharedBytes(Bytes{})));
}

TEST(SharedBytes, CopiesAreCountedAcrossThreads) {
  const SharedBytes shared = Bytes{'m', 'e', 't', 'a'};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([shared] {
      for (int i = 0; i < 10000; ++i) {
        SharedBytes c = shared;
        SharedBytes d = c;
        ASSERT_EQ(d->size(), 4u);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(*shared, (Bytes{'m', 'e', 't', 'a'}));
}

}  // namespace
}  // namespace wkd
