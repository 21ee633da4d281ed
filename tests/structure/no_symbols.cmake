# cmake -DBINARY=FILE (-DFORBIDDEN=REGEX | -DREQUIRED=REGEX) -P no_symbols.cmake
# Fails when the demangled symbols of BINARY (nm -C) match FORBIDDEN, or do not match REQUIRED
# (the second keeps the first honest: the same search finds the classes where they are linked).
execute_process(COMMAND nm -C "${BINARY}" OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "nm -C ${BINARY} failed (${status})")
endif()
if(DEFINED FORBIDDEN)
  string(REGEX MATCH "[^\n]*(${FORBIDDEN})[^\n]*" hit "${symbols}")
  if(hit)
    message(FATAL_ERROR "${BINARY} links code it must not: ${hit}")
  endif()
endif()
if(DEFINED REQUIRED)
  string(REGEX MATCH "${REQUIRED}" hit "${symbols}")
  if(NOT hit)
    message(FATAL_ERROR "${BINARY} has no symbol matching ${REQUIRED}")
  endif()
endif()
