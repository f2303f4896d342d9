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
