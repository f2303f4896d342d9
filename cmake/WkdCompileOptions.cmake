# Warning and sanitizer settings shared by every wkd target.
add_library(wkd_build_flags INTERFACE)
target_compile_options(wkd_build_flags INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused -Wpointer-arith
  $<$<COMPILE_LANGUAGE:CXX>:-Woverloaded-virtual>
  $<$<BOOL:${WKD_WERROR}>:-Werror>)

if(WKD_SANITIZE)
  string(REPLACE ";" "," _wkd_san "${WKD_SANITIZE}")
  add_compile_options(-fsanitize=${_wkd_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_wkd_san})
endif()
