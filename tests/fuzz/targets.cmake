# The fuzz targets: name and source. Shared by the g++ replay build
# (tests/fuzz/CMakeLists.txt) and the clang libFuzzer build
# (tests/fuzz/libfuzzer/CMakeLists.txt).
set(WKD_FUZZ_TARGETS
)
