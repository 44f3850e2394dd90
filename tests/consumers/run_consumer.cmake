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
if(NOT DEFINED CXX)
  set(CXX c++)
endif()
set(consumer_dir "${SOURCE_DIR}/tests/consumers/${KIND}")
set(extra "")
if(DEFINED CXX)
  list(APPEND extra "-DCMAKE_CXX_COMPILER=${CXX}")
endif()
# Configures and builds the consumer project in WORK_DIR/<build_name>, runs its programs, and
# (find_package) its own ctest: the user's test against the packaged emulator.
function(build_and_run_consumer build_name)
  run(${CMAKE_COMMAND} -S "${consumer_dir}" -B "${WORK_DIR}/${build_name}" "-DCENTRALI_SOURCE_DIR=${SOURCE_DIR}" ${ARGN})
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/${build_name}")
  run("${WORK_DIR}/${build_name}/consumer")
  run("${WORK_DIR}/${build_name}/consumer_compiled")
  if(KIND STREQUAL "find_package")
    run(${CMAKE_CTEST_COMMAND} --test-dir "${WORK_DIR}/${build_name}" --output-on-failure)
  endif()
endfunction()

if(NOT KIND STREQUAL "find_package")
  build_and_run_consumer(build ${extra})
  return()
endif()

# Stage an install of the library alone (with the emulator), as a package manager would.
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}/lib" ${extra} -DCENTRALI_BUILD_TESTS=OFF
    -DCENTRALI_BUILD_EXAMPLES=OFF -DCENTRALI_INSTALL=ON -DCENTRALI_BUILD_EMULATOR=ON)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/lib")
run(${CMAKE_COMMAND} --install "${WORK_DIR}/lib" --prefix "${WORK_DIR}/stage")
if(NOT EXISTS "${WORK_DIR}/stage/bin/centrali-emulator")
  message(FATAL_ERROR "the install has no bin/centrali-emulator")
endif()

# 1. find_package from the install.
build_and_run_consumer(build ${extra} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/stage")
# 2. find_package from the build tree, nothing installed (export()).
build_and_run_consumer(build_tree ${extra} "-Dcentrali_DIR=${WORK_DIR}/lib")
# 3. pkg-config: the flags it gives build the consumer, and name no -std (the project chooses).
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} "${WORK_DIR}/stage/share/pkgconfig")
execute_process(COMMAND "${PKG_CONFIG}" --cflags --libs centrali OUTPUT_VARIABLE pc_flags
                RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE)
if(failed)
  message(FATAL_ERROR "pkg-config --cflags --libs centrali failed")
endif()
if(pc_flags MATCHES "-std=")
  message(FATAL_ERROR "centrali.pc forces a language standard: ${pc_flags}")
endif()
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
foreach(standard 17 20)
  run("${CXX}" -std=c++${standard} "${SOURCE_DIR}/tests/consumers/consumer_main.cpp"
      "${SOURCE_DIR}/tests/consumers/consumer_second.cpp" ${pc_flags} -o "${WORK_DIR}/pkg_config_consumer_${standard}")
  run("${WORK_DIR}/pkg_config_consumer_${standard}")
endforeach()
