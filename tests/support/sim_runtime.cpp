#include "support/sim_runtime.hpp"

namespace wkd::sim {

void SimRuntime::send_packet(const Address& to, ByteView packet) { net_.send_packet(id_, to, packet); }

void SimRuntime::stream_dial(swim::ConnId id, const Address& to) { net_.stream_dial(id_, id, to); }

void SimRuntime::stream_write(swim::ConnId id, ByteView bytes) { net_.stream_write(id_, id, bytes); }

void SimRuntime::stream_close(swim::ConnId id) { net_.stream_close(id_, id); }

}  // namespace wkd::sim
