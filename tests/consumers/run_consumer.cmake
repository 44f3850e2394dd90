# cmake -DKIND=<add_subdirectory|fetch_content|find_package> -DSOURCE_DIR=<centrali checkout>
#       -DWORK_DIR=<scratch> [-DCXX=<compiler>] -P run_consumer.cmake
# Configures, builds and runs one consumer project; fails on any step's failure.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(consumer_dir "${SOURCE_DIR}/tests/consumers/${KIND}")
set(extra "")
if(DEFINED CXX)
  list(APPEND extra "-DCMAKE_CXX_COMPILER=${CXX}")
endif()
if(KIND STREQUAL "find_package")
  # Stage an install of the library alone, as a package manager would.
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/lib" ${extra} -DCENTRALI_BUILD_TESTS=OFF
      -DCENTRALI_BUILD_EXAMPLES=OFF -DCENTRALI_INSTALL=ON)
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/lib")
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/lib" --prefix "${WORK_DIR}/stage")
  list(APPEND extra "-DCMAKE_PREFIX_PATH=${WORK_DIR}/stage")
endif()
run(${CMAKE_COMMAND} -S "${consumer_dir}" -B "${WORK_DIR}/build" "-DCENTRALI_SOURCE_DIR=${SOURCE_DIR}" ${extra})
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
run("${WORK_DIR}/build/consumer_compiled")
