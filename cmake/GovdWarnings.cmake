# Compiler flags every govd target gets: strict warnings, optional -Werror and sanitizers
# (GOVD_SANITIZE: ASan + UBSan; GOVD_TSAN: ThreadSanitizer).
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
                    -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(GOVD_WERROR)
  add_compile_options(-Werror)
endif()
if(GOVD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
if(GOVD_TSAN)
  if(GOVD_SANITIZE)
    message(FATAL_ERROR "GOVD_TSAN and GOVD_SANITIZE exclude each other: ThreadSanitizer cannot run with ASan")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 at -O3 reports a false -Wrestrict inside libstdc++'s string concatenation
  # (GCC bug 105329), which would break Release builds with -Werror.
  add_compile_options(-Wno-restrict)
endif()
