# The fuzz targets: one .cpp each beside this file. Shared by the g++ replay
# build (tests/fuzz/CMakeLists.txt) and the clang libFuzzer build
# (tests/fuzz/libfuzzer/CMakeLists.txt).
#   packet  UDP datagram: label, decryption, CRC, compression, compound, messages
#   stream  TCP stream framing fed in chunks, push/pull and user messages
#   serf    Serf messages, push/pull state, filters, tags, coordinates
set(WKD_FUZZ_TARGETS packet stream serf)
