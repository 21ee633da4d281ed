# Renders the scenario audit report in headless Chromium and checks the DOM it built: the five
# tables with their rows (the browser adds <tbody>, which proves it parsed them), the drift
# repairs, the chart and each finding's status; that the page does not scroll sideways in a
# 1280 px wide window (a copy of the report with one line of script that writes
# document.documentElement.scrollWidth into the DOM; the report itself has no scripts); then takes
# a screenshot and checks it is a non-empty PNG. Without chromium it prints "SKIPPED: chromium"
# and CTest reports the test as skipped (SKIP_REGULAR_EXPRESSION), never as passed.
#   cmake -DSAMPLE=audit_report_sample -DCHROMIUM=path -DWORK=dir -P render_report.cmake
if(NOT CHROMIUM OR NOT EXISTS "${CHROMIUM}")
  message("SKIPPED: chromium not found (scripts/install-deps installs it)")
  return()
endif()
set(max_width 1280)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/profile")
execute_process(COMMAND "${SAMPLE}" OUTPUT_FILE "${WORK}/report.html" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SAMPLE} failed: ${status}")
endif()
set(chromium_flags --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
                   --disable-sync --no-first-run --user-data-dir=${WORK}/profile --window-size=${max_width},800)
execute_process(COMMAND "${CHROMIUM}" ${chromium_flags} --dump-dom "file://${WORK}/report.html"
                OUTPUT_VARIABLE dom ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 180)
if(NOT status EQUAL 0)
  file(REMOVE_RECURSE "${WORK}")
  message(FATAL_ERROR "chromium failed (${status}): ${errors}")
endif()
file(READ "${WORK}/report.html" html)
string(REPLACE "</body>"
               "<script>document.body.setAttribute('data-scroll-width',document.documentElement.scrollWidth)</script></body>"
               measured "${html}")
file(WRITE "${WORK}/measured.html" "${measured}")
execute_process(COMMAND "${CHROMIUM}" ${chromium_flags} --dump-dom "file://${WORK}/measured.html"
                OUTPUT_VARIABLE measured_dom ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 180)
string(REGEX MATCH "data-scroll-width=\"([0-9]+)\"" found "${measured_dom}")
if(NOT status EQUAL 0 OR NOT found)
  file(REMOVE_RECURSE "${WORK}")
  message(FATAL_ERROR "chromium did not measure the page (${status}): ${errors}")
endif()
set(scroll_width "${CMAKE_MATCH_1}")
if(scroll_width GREATER max_width)
  file(REMOVE_RECURSE "${WORK}")
  message(FATAL_ERROR "the report is ${scroll_width} px wide in a ${max_width} px window: it scrolls sideways")
endif()
execute_process(COMMAND "${CHROMIUM}" ${chromium_flags} --screenshot=${WORK}/report.png "file://${WORK}/report.html"
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
                "<td>GovdManagedReadByHand, GovdManagedListByHand</td>" "<td>expired</td><td>1</td>"
                "<th>status</th>" "<td>active</td>" "<td class=\"archived\">archived: accepted risk")
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
message(STATUS "rendered: ${row_count} table rows, ${scroll_width} px wide in a ${max_width} px window; "
               "screenshot ${png_size} bytes")
