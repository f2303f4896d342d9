# System libraries, all from Debian packages (see .ci/setup.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# libuv: the transport layer's event loop (libuv1-dev).
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv>=1.44)

# mbedtls 2.x: AES-GCM for the gossip keyring (libmbedtls-dev). Debian ships
# no pkg-config or CMake files for it, so find the header and library.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/gcm.h REQUIRED)
find_library(MBEDCRYPTO_LIBRARY mbedcrypto REQUIRED)
if(NOT TARGET wkd_mbedcrypto)
  add_library(wkd_mbedcrypto INTERFACE IMPORTED)
  set_target_properties(wkd_mbedcrypto PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${MBEDTLS_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${MBEDCRYPTO_LIBRARY}")
endif()

# libcurl (libcurl4-openssl-dev): the HTTP and gRPC health checks of
# libwkd, driven on the node's loop (transport/curl_multi.cpp), and the
# CLI's HTTP client. 7.87 for CURLOPT_QUICK_EXIT (and CURLOPT_PROTOCOLS_STR).
find_package(CURL 7.87 REQUIRED)

if(WKD_BUILD_AGENT)
  # The `wkd` program only (never libwkd):
  # toml++ reads the agent's configuration (libtomlplusplus-dev).
  find_package(tomlplusplus 3.3 REQUIRED)
  # nlohmann-json writes and reads the HTTP API's JSON (nlohmann-json3-dev).
  find_package(nlohmann_json 3.11 REQUIRED)
  # llhttp parses HTTP requests. Debian's node-llhttp ships its C sources and
  # header; they are compiled from there into a private static library.
  set(WKD_LLHTTP_DIR /usr/share/llhttp CACHE PATH "llhttp C sources (node-llhttp)")
  find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS /usr/share/include/llhttp /usr/include REQUIRED)
  if(NOT EXISTS "${WKD_LLHTTP_DIR}/llhttp.c")
    message(FATAL_ERROR "llhttp sources not found in ${WKD_LLHTTP_DIR}: install node-llhttp")
  endif()
  if(NOT TARGET wkd_llhttp)
    add_library(wkd_llhttp STATIC
      ${WKD_LLHTTP_DIR}/llhttp.c ${WKD_LLHTTP_DIR}/api.c ${WKD_LLHTTP_DIR}/http.c)
    target_include_directories(wkd_llhttp SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})
    set_target_properties(wkd_llhttp PROPERTIES C_VISIBILITY_PRESET hidden)
  endif()
endif()
