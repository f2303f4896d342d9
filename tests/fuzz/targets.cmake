# The fuzz targets: one .cpp each beside this file. Shared by the g++ replay
# build (tests/fuzz/CMakeLists.txt) and the clang libFuzzer build
# (tests/fuzz/libfuzzer/CMakeLists.txt).
#   packet             UDP datagram: label, decryption, CRC, compression, compound, messages
#   stream             TCP stream framing fed in chunks, push/pull and user messages
#   serf               Serf messages, push/pull state, filters, tags, coordinates
#   registry_messages  the registry's messages between wkd nodes: decode, re-encode, decode
#   replica            a registry replica on a real Serf fed gossip, requests, replies, timers
#   grpc_health        the gRPC health check's response decoder and request encoder
set(WKD_FUZZ_TARGETS packet stream serf registry_messages replica grpc_health)
# The library each target links (wkd_wire unless named here).
set(WKD_FUZZ_LIBS_registry_messages wkd_registry)
set(WKD_FUZZ_LIBS_replica wkd_registry)
set(WKD_FUZZ_LIBS_grpc_health wkd_health)
