# cmake -DNM=<nm> -DOBJECT=<include_only.o> -DINCLUDE_DIR=<include/centrali> -P check_emits_nothing.cmake
# Fails when a TU that only includes <centrali/client.hpp> (header-only) emits a vtable or a
# function of the SDK's (but the named constants' constructors and destructors).
execute_process(COMMAND "${NM}" -C --defined-only "${OBJECT}" OUTPUT_VARIABLE symbols RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} failed on ${OBJECT}")
endif()
string(REGEX MATCHALL "[^\n]*(vtable for|typeinfo for) centrali::[^\n]*" vtables "${symbols}")
string(REGEX MATCHALL "[^\n]* [TW] centrali::[^\n]*" functions "${symbols}")

# Allowed: the named constants (TriggerType::on_demand, …) are inline variables each TU
# initialises, so their types' constructors and destructors appear. g++ names the inherited
# constructor StringEnum<T>::StringEnum and T::StringEnum, clang T::T. The types are read from
# the headers.
file(GLOB headers "${INCLUDE_DIR}/*.hpp")
set(enum_types "")
foreach(header ${headers})
  file(STRINGS "${header}" declarations REGEX "class [A-Za-z]+ : public StringEnum<")
  foreach(declaration ${declarations})
    string(REGEX REPLACE ".*class ([A-Za-z]+) : public StringEnum<.*" "\\1" type "${declaration}")
    list(APPEND enum_types "${type}")
  endforeach()
endforeach()
if(NOT enum_types)
  message(FATAL_ERROR "no StringEnum types found under ${INCLUDE_DIR}")
endif()
list(FILTER functions EXCLUDE REGEX "centrali::v[0-9_]+::StringEnum<centrali::v[0-9_]+::[A-Za-z]+>::~?StringEnum\\(")
foreach(type ${enum_types})
  list(FILTER functions EXCLUDE REGEX "centrali::v[0-9_]+::${type}::(~?${type}|StringEnum)\\(")
endforeach()
if(vtables OR functions)
  string(REPLACE ";" "\n  " vtables "${vtables}")
  string(REPLACE ";" "\n  " functions "${functions}")
  message(FATAL_ERROR "including <centrali/client.hpp> emitted code:\n  ${vtables}\n  ${functions}")
endif()
message(STATUS "an include-only TU emits no vtable and no function of the SDK")
