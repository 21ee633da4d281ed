# Runs `govctl policy lint CASE.json [args from CASE.args]` in the lint sample folder and compares
# its output plus "exit status N" with CASE.expected. Usage:
#   cmake -DGOVCTL=path -DDIR=tests/policy/data/lint -DCASE=name -P run_lint_case.cmake
set(args "")
if(EXISTS "${DIR}/${CASE}.args")
  file(READ "${DIR}/${CASE}.args" args_text)
  string(STRIP "${args_text}" args_text)
  separate_arguments(args UNIX_COMMAND "${args_text}")
endif()
execute_process(COMMAND "${GOVCTL}" policy lint "${CASE}.json" ${args}
                WORKING_DIRECTORY "${DIR}" OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE status)
set(actual "${output}exit status ${status}\n")
file(READ "${DIR}/${CASE}.expected" expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "govctl policy lint ${CASE}.json ${args}: output differs from ${CASE}.expected\n"
                      "--- expected\n${expected}--- actual\n${actual}--- stderr\n${errors}")
endif()
