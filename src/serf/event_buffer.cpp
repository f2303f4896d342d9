// Deduplication rings (see event_buffer.hpp).
#include "serf/event_buffer.hpp"

#include <algorithm>
#include <utility>

namespace wkd::serf {

namespace {

// Serf compares payloads with bytes.Equal, for which nil and empty are equal.
bool same_payload(const wire::NilBytes& a, const wire::NilBytes& b) {
  const bool a_empty = !a || a->empty();
  const bool b_empty = !b || b->empty();
  if (a_empty || b_empty) return a_empty == b_empty;
  return *a == *b;
}

bool too_old(LamportTime now, LamportTime ltime, LamportTime min_time, std::size_t ring) {
  if (ltime < min_time) return true;
  const auto len = static_cast<LamportTime>(ring);
  return now > len && ltime < now - len;
}

}  // namespace

Dedup EventBuffer::record(LamportTime now, LamportTime ltime, const wire::NilBytes& payload,
                          const std::string& name) {
  if (too_old(now, ltime, min_time_, size_)) return Dedup::too_old;
  auto [it, claimed] = slots_.try_emplace(static_cast<std::size_t>(ltime % size_), wire::SerfEventSlot{ltime, {}});
  wire::SerfEventSlot& slot = it->second;
  if (!claimed && slot.ltime == ltime) {
    for (const auto& seen : slot.events) {
      if (seen.name == name && same_payload(seen.payload, payload)) return Dedup::duplicate;
    }
  } else if (!claimed) {
    slot = wire::SerfEventSlot{ltime, {}};
  }
  slot.events.push_back(wire::SerfEventEntry{name, payload});
  return Dedup::fresh;
}

std::vector<std::optional<wire::SerfEventSlot>> EventBuffer::occupied() const {
  std::vector<std::optional<wire::SerfEventSlot>> out;
  out.reserve(slots_.size());
  for (const auto& [index, slot] : slots_) out.emplace_back(slot);
  return out;
}

Dedup QueryBuffer::record(LamportTime now, LamportTime ltime, std::uint32_t id) {
  if (too_old(now, ltime, min_time_, size_)) return Dedup::too_old;
  auto [it, claimed] = slots_.try_emplace(static_cast<std::size_t>(ltime % size_), Slot{ltime, {}});
  Slot& slot = it->second;
  if (!claimed && slot.ltime == ltime) {
    if (std::find(slot.ids.begin(), slot.ids.end(), id) != slot.ids.end()) return Dedup::duplicate;
  } else if (!claimed) {
    slot = Slot{ltime, {}};
  }
  slot.ids.push_back(id);
  return Dedup::fresh;
}

}  // namespace wkd::serf
