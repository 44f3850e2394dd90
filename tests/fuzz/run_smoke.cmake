# ctest driver of a fuzz smoke test: copies the seed corpus to a scratch directory (so the
# checked-in corpus is never modified) and runs the fuzzer over it for a bounded time:
#   <fuzzer> -max_total_time=SECONDS -rss_limit_mb=2048 -timeout=10 <WORK>
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(GLOB _seeds "${SEED}/*")
file(COPY ${_seeds} DESTINATION "${WORK}")
get_filename_component(_artifacts "${WORK}/../artifacts" ABSOLUTE)
file(MAKE_DIRECTORY "${_artifacts}")
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
          "-artifact_prefix=${_artifacts}/" "${WORK}"
  RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${_rc}); the crashing input is in ${_artifacts}")
endif()
