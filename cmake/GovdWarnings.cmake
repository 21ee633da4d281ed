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
# g++ 12 warns (-Wtsan) that TSan cannot model std::atomic_thread_fence, which Boost.Asio's
# std_fenced_block uses around handler calls. TSan sees Asio's mutexes and atomics, which is what
# orders govd's own data; the fences only add hardware ordering TSan would ignore anyway. Only the
# folders that use Asio (daemon/, tests/daemon/) call this.
macro(govd_allow_asio_under_tsan)
  if(GOVD_TSAN AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
endmacro()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 at -O3 reports a false -Wrestrict inside libstdc++'s string concatenation
  # (GCC bug 105329), which would break Release builds with -Werror.
  add_compile_options(-Wno-restrict)
endif()
