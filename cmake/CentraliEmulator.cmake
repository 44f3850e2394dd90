# centrali_add_emulator_test: a CTest test of your own program against the local Centrali
# emulator, as Firebase's `emulators:exec` runs tests against its emulators.
#
#   centrali_add_emulator_test(NAME <name> COMMAND <target-or-program> [<arg>...]
#                              [WORKSPACE <workspace>] [TOKEN <token>]
#                              [EMULATOR_ARGS <emulator option>...])
#
# The test starts `centrali-emulator` on an ephemeral loopback port, runs COMMAND with
# CENTRALI_URL, CENTRALI_WORKSPACE and CENTRALI_TOKEN in its environment (what
# centrali::ClientOptions::from_env() reads; publishable key and client credentials are unset),
# stops the emulator when COMMAND ends and passes on its exit status. Each test gets an
# emulator of its own, empty, so tests run in parallel (ctest -j) and never see each other's
# records. WORKSPACE defaults to "acme", TOKEN to "test-token". EMULATOR_ARGS go to the
# emulator (e.g. --token-ttl 60, --ping-ms 1000; `centrali-emulator --help` lists them).
# COMMAND's first word is a target defined before this call, or a program.
#
# Needs the target centrali::emulator: an installed package built with
# -DCENTRALI_BUILD_EMULATOR=ON, or add_subdirectory/FetchContent of centrali with that option.
function(centrali_add_emulator_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;WORKSPACE;TOKEN" "COMMAND;EMULATOR_ARGS")
  if(NOT arg_NAME OR NOT arg_COMMAND)
    message(FATAL_ERROR "centrali_add_emulator_test: NAME and COMMAND are required")
  endif()
  if(NOT TARGET centrali::emulator)
    message(FATAL_ERROR "centrali_add_emulator_test: no centrali::emulator target; build or install "
                        "centrali with -DCENTRALI_BUILD_EMULATOR=ON")
  endif()
  set(emulator_args --host 127.0.0.1 --port 0)
  if(DEFINED arg_WORKSPACE)
    list(APPEND emulator_args --workspace "${arg_WORKSPACE}")
  endif()
  if(DEFINED arg_TOKEN)
    list(APPEND emulator_args --token "${arg_TOKEN}")
  endif()
  list(GET arg_COMMAND 0 program)
  list(REMOVE_AT arg_COMMAND 0)
  if(TARGET "${program}")
    set(program "$<TARGET_FILE:${program}>")
  endif()
  add_test(NAME "${arg_NAME}"
           COMMAND "$<TARGET_FILE:centrali::emulator>" ${emulator_args} ${arg_EMULATOR_ARGS}
                   --exec "${program}" ${arg_COMMAND})
endfunction()
