// The instances registered through the HTTP API, kept in a file next to
// the snapshot (SNAPSHOT_PATH.services) so that they survive a restart of
// the agent until they are deregistered.
//
// Each registration is kept as the body of the POST that made it (the
// same JSON object, already accepted once), so replaying it at start goes
// through the very rules the API applies. The file is JSON,
//   {"format": 1, "registrations": [{...body...}, ...]}
// written as the snapshot is (write_state_file: temp file, fsync, rename).
// A file that does not decode is corrupt: the agent moves it aside as
// FILE.corrupt and says so in /v1/health until it writes the file again.
#pragma once

#include <map>
#include <string>

#include "agent/snapshot.hpp"
#include "registry/instance.hpp"

namespace wkd::agent {

// An instance's key -> its registration body (JSON object text).
using Registrations = std::map<registry::InstanceKey, std::string>;

std::string encode_registrations(const Registrations& r);
// Checks the shape: an object with format 1 and an array of objects, each
// with a string serviceName and instanceId. For text that is not JSON the
// message names the byte offset where it stops being JSON.
SnapshotResult<Registrations> decode_registrations(const std::string& text);

}  // namespace wkd::agent
