// Transmit-limited broadcast queue (see broadcast_queue.hpp).
//
// The ordering lives in a std::set keyed (transmits asc, length desc, id
// desc). To find "the largest message of transmit tier t that fits in `free`
// bytes" the queue looks up the first element not ordered before the probe
// (t, free, newest possible id): everything before it in tier t is longer
// than `free`, so it is the longest fitting one, newest on ties, or it
// belongs to a later tier and tier t has nothing that fits.
#include "serf/broadcast_queue.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace wkd::serf {

BroadcastQueue::~BroadcastQueue() = default;

int BroadcastQueue::retransmit_limit(int mult, std::size_t num_nodes) noexcept {
  const double scale = std::ceil(std::log10(static_cast<double>(num_nodes) + 1.0));
  return mult * static_cast<int>(scale);
}

void BroadcastQueue::queue(Bytes msg, Finished finished) {
  Item item;
  item.len = msg.size();
  item.id = ++next_id_;
  item.msg = std::move(msg);
  item.finished = std::move(finished);
  items_.insert(std::move(item));
}

void BroadcastQueue::run(std::vector<Finished>& done) {
  for (auto& f : done) {
    if (f) f();
  }
}

std::size_t BroadcastQueue::get(std::size_t overhead, std::size_t limit, std::size_t num_nodes,
                                std::vector<Bytes>& out) {
  if (items_.empty()) return 0;
  const int transmit_limit = retransmit_limit(retransmit_mult_, num_nodes);

  std::size_t used = 0;
  std::vector<Item> reinsert;
  std::vector<Finished> finished;

  int tier = items_.begin()->transmits;
  const int last_tier = items_.rbegin()->transmits;
  while (tier <= last_tier && !items_.empty()) {
    if (used + overhead >= limit) break;
    const std::size_t free = limit - used - overhead;

    Item probe;
    probe.transmits = tier;
    probe.len = free;
    probe.id = std::numeric_limits<std::uint64_t>::max();
    auto it = items_.lower_bound(probe);
    if (it == items_.end() || it->transmits != tier) {
      ++tier;
      continue;
    }

    auto node = items_.extract(it);
    Item& item = node.value();
    used += overhead + item.len;
    out.push_back(item.msg);
    if (item.transmits + 1 >= transmit_limit) {
      finished.push_back(std::move(item.finished));
    } else {
      ++item.transmits;
      reinsert.push_back(std::move(item));
    }
  }

  for (auto& item : reinsert) items_.insert(std::move(item));
  if (items_.empty()) next_id_ = 0;
  run(finished);
  return used;
}

void BroadcastQueue::prune(std::size_t max_retain) {
  std::vector<Finished> finished;
  while (items_.size() > max_retain) {
    auto node = items_.extract(std::prev(items_.end()));
    finished.push_back(std::move(node.value().finished));
  }
  if (items_.empty()) next_id_ = 0;
  run(finished);
}

void BroadcastQueue::reset() { prune(0); }

}  // namespace wkd::serf
