# cmake -DNM=<nm> -DOBJECT=<include_only.o> -P check_emits_nothing.cmake
# Fails when a TU that only includes <centrali/client.hpp> (header-only) emits a vtable or a
# function of the SDK's (but the named constants' constructors).
execute_process(COMMAND "${NM}" -C --defined-only "${OBJECT}" OUTPUT_VARIABLE symbols RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} failed on ${OBJECT}")
endif()
string(REGEX MATCHALL "[^\n]*(vtable for|typeinfo for) centrali::[^\n]*" vtables "${symbols}")
string(REGEX MATCHALL "[^\n]* [TW] centrali::[^\n]*" functions "${symbols}")
# Allowed: the named constants' constructors and destructors (TriggerType::on_demand, …): inline
# variables each TU initialises.
set(enum_types "")
foreach(line ${functions})
  if(line MATCHES "centrali::v[0-9_]+::([A-Za-z]+)::StringEnum\\(")
    list(APPEND enum_types "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(FILTER functions EXCLUDE REGEX "::StringEnum\\(|::~StringEnum\\(")
foreach(type ${enum_types})
  list(FILTER functions EXCLUDE REGEX "centrali::v[0-9_]+::${type}::~${type}\\(\\)")
endforeach()
if(vtables OR functions)
  string(REPLACE ";" "\n  " vtables "${vtables}")
  string(REPLACE ";" "\n  " functions "${functions}")
  message(FATAL_ERROR "including <centrali/client.hpp> emitted code:\n  ${vtables}\n  ${functions}")
endif()
message(STATUS "an include-only TU emits no vtable and no function of the SDK")
