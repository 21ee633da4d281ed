# Renders the scenario audit report in headless Chromium and checks the DOM it built: the five
# tables with their rows (the browser adds <tbody>, which proves it parsed them), the drift
# repairs and the chart; then takes a screenshot and checks it is a non-empty PNG.
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
if(NOT status EQUAL 0)
  file(REMOVE_RECURSE "${WORK}")
  message(FATAL_ERROR "chromium failed (${status}): ${errors}")
endif()
execute_process(COMMAND "${CHROMIUM}" --headless --no-sandbox --disable-gpu --disable-background-networking
                        --disable-component-update --disable-sync --no-first-run --user-data-dir=${WORK}/profile
                        --screenshot=${WORK}/report.png --window-size=1280,2000 "file://${WORK}/report.html"
                ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 180)
set(png_size 0)
if(EXISTS "${WORK}/report.png")
  file(SIZE "${WORK}/report.png" png_size)
  file(READ "${WORK}/report.png" png_magic LIMIT 8 HEX)
endif()
file(REMOVE_RECURSE "${WORK}")
if(NOT status EQUAL 0 OR png_size EQUAL 0 OR NOT png_magic STREQUAL "89504e470d0a1a0a")
  message(FATAL_ERROR "chromium took no PNG screenshot (${status}, ${png_size} bytes): ${errors}")
endif()
foreach(pattern "<table id=\"findings\">[ \n]*<tbody>" "<table id=\"grants-by-state\">[ \n]*<tbody>"
                "<table id=\"grants\">[ \n]*<tbody>" "<table id=\"drift\">[ \n]*<tbody>"
                "<table id=\"access\">[ \n]*<tbody>" "<svg id=\"grants-chart\"" "<polyline" "trust-without-external-id"
                "<td>GovdManagedReadByHand, GovdManagedListByHand</td>" "<td>expired</td><td>1</td>")
  string(REGEX MATCH "${pattern}" found "${dom}")
  if(NOT found)
    message(FATAL_ERROR "the rendered DOM lacks ${pattern}:\n${dom}")
  endif()
endforeach()
string(REGEX MATCHALL "<tr>" rows "${dom}")
list(LENGTH rows row_count)
if(row_count LESS 36)
  message(FATAL_ERROR "the rendered DOM has ${row_count} table rows, expected at least 36")
endif()
message(STATUS "rendered: ${row_count} table rows; screenshot ${png_size} bytes")
