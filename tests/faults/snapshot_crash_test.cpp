// Crash safety of the agent's snapshot: a child process saves snapshots as
// fast as it can (each one different in size and content) and is SIGKILLed
// at a random moment; what is left on disk must always load, and be one
// whole version: snapshot k holds k peers and member clock k, so a torn
// mix of two versions would not match. Rounds go on until at least 1,000
// writes and 200 kills. With WKD_FAULTS_OUT set, the figures go to
// snapshot_crash.json there (RELIABILITY.md's row).
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "agent/snapshot.hpp"

namespace wkd::agent {
namespace {

constexpr std::uint64_t kMinWrites = 1000;
constexpr int kMinKills = 200;

Snapshot version(std::uint64_t k) {
  Snapshot s;
  s.node = "crash-" + std::to_string(k);
  s.member_clock = k;
  s.event_clock = k * 2;
  s.query_clock = k * 3;
  for (std::uint64_t i = 0; i < k % 97; ++i) {
    s.peers.push_back({"peer-" + std::to_string(i), "192.0.2." + std::to_string(i % 250 + 1) + ":7474"});
  }
  s.saved_unix_ms = static_cast<std::int64_t>(k);
  return s;
}

// The child: saves versions from `first` on, counting completed saves.
[[noreturn]] void writer(const std::string& path, std::uint64_t first, std::atomic<std::uint64_t>* done) {
  for (std::uint64_t k = first;; ++k) {
    if (!save_snapshot(path, version(k)).ok()) _exit(3);
    done->fetch_add(1, std::memory_order_relaxed);
  }
}

TEST(SnapshotCrash, KillDuringWritesNeverLeavesAnUnreadableFile) {
  char tmpl[] = "/tmp/wkd-snapcrash-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string path = dir + "/snapshot";
  ASSERT_TRUE(save_snapshot(path, version(1)).ok());

  auto* done = static_cast<std::atomic<std::uint64_t>*>(
      ::mmap(nullptr, sizeof(std::atomic<std::uint64_t>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(done, MAP_FAILED);
  new (done) std::atomic<std::uint64_t>(0);

  std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_us(0, 20000);
  std::uint64_t next = 2, last = 1;
  int kills = 0, torn_tmp = 0;
  const auto start = std::chrono::steady_clock::now();
  while ((done->load() < kMinWrites || kills < kMinKills) &&
         std::chrono::steady_clock::now() - start < std::chrono::minutes(4)) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) writer(path, next, done);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself: status " << status;
    ++kills;

    auto loaded = load_snapshot(path);
    ASSERT_TRUE(loaded.ok()) << "after kill " << kills << ": " << loaded.message();
    ASSERT_TRUE(loaded->has_value()) << "after kill " << kills << ": the file is gone";
    const Snapshot& s = **loaded;
    ASSERT_EQ(s, version(s.member_clock)) << "after kill " << kills << ": not one whole version";
    ASSERT_GE(s.member_clock, last) << "after kill " << kills << ": an older version came back";
    last = s.member_clock;
    next += 1000000;  // the next child's versions are all newer than any before
    if (::access((path + ".tmp").c_str(), F_OK) == 0) ++torn_tmp;
  }
  const std::uint64_t writes = done->load();
  EXPECT_GE(writes, kMinWrites);
  EXPECT_GE(kills, kMinKills);
  std::printf("snapshot crash test: %d kills, %llu completed writes, %d kills left a FILE.tmp behind\n", kills,
              static_cast<unsigned long long>(writes), torn_tmp);

  if (const char* out = std::getenv("WKD_FAULTS_OUT")) {
    std::filesystem::create_directories(out);
    std::ofstream f(std::string(out) + "/snapshot_crash.json");
    f << "{\"scenario\": \"snapshot_crash\", \"passed\": " << (HasFailure() ? "false" : "true")
      << ", \"description\": \"SIGKILL at random points while the snapshot is rewritten\", \"figures\": "
      << "{\"kills\": " << kills << ", \"completed_writes\": " << writes << ", \"kills_leaving_tmp\": " << torn_tmp
      << ", \"unreadable_after_kill\": 0}}\n";
  }
  ::munmap(done, sizeof(std::atomic<std::uint64_t>));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wkd::agent
