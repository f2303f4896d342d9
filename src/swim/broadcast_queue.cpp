#include "swim/broadcast_queue.hpp"

#include <cmath>
#include <iterator>

#include "swim/node_state.hpp"

namespace wkd::swim {

int retransmit_limit(int retransmit_mult, std::size_t n) noexcept {
  const double scale = std::ceil(std::log10(static_cast<double>(n) + 1.0));
  return retransmit_mult * static_cast<int>(scale);
}

BroadcastQueue::Tally tally_for(const NodeInfo* target) noexcept {
  return target != nullptr && target->dead_or_left() ? BroadcastQueue::Tally::uncounted
                                                     : BroadcastQueue::Tally::counted;
}

bool BroadcastQueue::Order::operator()(const Item* a, const Item* b) const noexcept {
  if (a->transmits != b->transmits) return a->transmits < b->transmits;
  if (a->size != b->size) return a->size > b->size;
  return a->id > b->id;
}

BroadcastQueue::~BroadcastQueue() { clear(); }

void BroadcastQueue::clear() {
  while (!items_.empty()) erase(*items_.begin(), false);
}

BroadcastQueue::Done BroadcastQueue::remove(Item* item) {
  items_.erase(item->pos);
  if (!item->key.empty()) {
    auto it = by_key_.find(std::string_view(item->key));
    if (it != by_key_.end() && it->second == item) by_key_.erase(it);
  }
  Done done = std::move(item->done);
  delete item;
  return done;
}

void BroadcastQueue::erase(Item* item, bool finished) {
  Done done = remove(item);
  if (done) done(finished);
}

void BroadcastQueue::push(std::string key, Bytes message, Done done) {
  if (!key.empty()) {
    auto it = by_key_.find(std::string_view(key));
    if (it != by_key_.end()) erase(it->second, false);
  }
  const std::size_t size = message.size();
  auto* item = new Item{next_id_++, 0, size, std::move(key), SharedBytes(std::move(message)), std::move(done), {}};
  item->pos = items_.insert(item).first;
  if (!item->key.empty()) by_key_[std::string_view(item->key)] = item;
}

void BroadcastQueue::take(std::size_t overhead, std::size_t limit, std::size_t n, std::vector<SharedBytes>& out,
                          Tally tally) {
  take_if(overhead, limit, n, out, {}, tally);
}

void BroadcastQueue::take_if(std::size_t overhead, std::size_t limit, std::size_t n, std::vector<SharedBytes>& out,
                             const std::function<bool(const Bytes&)>& filter, Tally tally) {
  if (items_.empty()) return;
  const int transmit_limit = retransmit_limit(retransmit_mult_, n);
  std::size_t used = 0;
  // The scratch list is borrowed, so a Done callback that re-enters the
  // queue finds none to clobber.
  std::vector<Item*> chosen;
  chosen.swap(chosen_);
  chosen.clear();
  // Walk in order: within a tier the largest first, so the first item that
  // fits is the largest that fits. When an item does not fit, seek to the
  // first one of its tier that does (sizes descend within a tier), so a full
  // datagram costs O(tiers * log n), not a walk of the whole queue. Items
  // chosen are re-tiered after the walk.
  Item probe{~std::uint64_t{0}, 0, 0, {}, {}, {}, {}};
  auto it = items_.begin();
  while (it != items_.end()) {
    if (used + overhead >= limit) break;
    const std::size_t free = limit - used - overhead;
    Item* item = *it;
    if (item->size > free) {
      probe.transmits = item->transmits;
      probe.size = free;
      it = items_.lower_bound(&probe);
      continue;
    }
    ++it;
    if (filter && !filter(*item->message)) continue;
    used += overhead + item->size;
    out.push_back(item->message);
    if (tally == Tally::counted) chosen.push_back(item);
  }
  // Reports run last: one that pushes may invalidate an item still listed.
  std::vector<Done> finished;
  for (Item* item : chosen) {
    if (item->transmits + 1 >= transmit_limit) {
      if (Done done = remove(item)) finished.push_back(std::move(done));
    } else {
      // Re-tier in place: the set's node is reused, not reallocated.
      auto node = items_.extract(item->pos);
      ++item->transmits;
      item->pos = items_.insert(std::move(node)).position;
    }
  }
  chosen.clear();
  if (chosen_.capacity() < chosen.capacity()) chosen_.swap(chosen);
  for (Done& done : finished) done(true);
}

void BroadcastQueue::prune(std::size_t max_len) {
  // The last item in the order is the most transmitted (then the smallest,
  // then the oldest): the one the cluster most likely has already.
  while (items_.size() > max_len) erase(*std::prev(items_.end()), false);
}

}  // namespace wkd::swim
