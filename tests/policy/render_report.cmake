# Renders the scenario audit report in headless Chromium and checks the DOM it built: the three
# tables with their rows (the browser adds <tbody>, which proves it parsed them) and the chart.
#   cmake -DSAMPLE=audit_report_sample -DCHROMIUM=path -DWORK=dir -P render_report.cmake
if(NOT CHROMIUM)
  message(FATAL_ERROR "chromium not found: run scripts/install-deps")
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/profile")
execute_process(COMMAND "${SAMPLE}" OUTPUT_FILE "${WORK}/report.html" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SAMPLE} failed: ${status}")
endif()
execute_process(COMMAND "${CHROMIUM}" --headless --no-sandbox --disable-gpu --disable-background-networking
                        --disable-component-update --disable-sync --no-first-run --user-data-dir=${WORK}/profile
                        --dump-dom "file://${WORK}/report.html"
                OUTPUT_VARIABLE dom ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 180)
file(REMOVE_RECURSE "${WORK}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "chromium failed (${status}): ${errors}")
endif()
foreach(pattern "<table id=\"findings\">[ \n]*<tbody>" "<table id=\"grants\">[ \n]*<tbody>"
                "<table id=\"access\">[ \n]*<tbody>" "<svg id=\"grants-chart\"" "<polyline" "trust-without-external-id")
  string(REGEX MATCH "${pattern}" found "${dom}")
  if(NOT found)
    message(FATAL_ERROR "the rendered DOM lacks ${pattern}:\n${dom}")
  endif()
endforeach()
string(REGEX MATCHALL "<tr>" rows "${dom}")
list(LENGTH rows row_count)
if(row_count LESS 15)
  message(FATAL_ERROR "the rendered DOM has ${row_count} table rows, expected at least 15")
endif()
message(STATUS "rendered: ${row_count} table rows")
