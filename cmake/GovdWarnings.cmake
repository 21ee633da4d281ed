# Compiler flags every govd target gets: strict warnings, optional -Werror and sanitizers.
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
                    -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(GOVD_WERROR)
  add_compile_options(-Werror)
endif()
if(GOVD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 at -O3 reports a false -Wrestrict inside libstdc++'s string concatenation
  # (GCC bug 105329), which would break Release builds with -Werror.
  add_compile_options(-Wno-restrict)
endif()
