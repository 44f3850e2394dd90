# cmake -DINCLUDE_DIR=<include/> -P check_sources.cmake
# Fails when the SDK's headers break a rule of the architecture:
# - nlohmann's public API only: nothing under include/ names nlohmann::detail (its shape
#   changes between releases; 3.12 added a template parameter to a class the SDK once used);
# - templates only where the parameter is real: no `Unused` placeholder parameters;
# - public types are plain classes: no public alias of a detail:: template.
file(GLOB_RECURSE headers "${INCLUDE_DIR}/centrali/*.hpp" "${INCLUDE_DIR}/centrali/*.ipp")
set(problems "")
foreach(header ${headers})
  file(READ "${header}" text)
  string(REGEX MATCHALL "nlohmann::detail" detail_uses "${text}")
  if(detail_uses)
    string(APPEND problems "\n  ${header}: names nlohmann::detail")
  endif()
  string(REGEX MATCHALL "[^A-Za-z_]Unused[^A-Za-z_]" unused "${text}")
  if(unused)
    string(APPEND problems "\n  ${header}: an `Unused` template parameter")
  endif()
  if(NOT header MATCHES "/detail/")
    string(REGEX MATCHALL "using [A-Za-z_]+ = detail::[A-Za-z_]+<" aliases "${text}")
    if(aliases)
      string(APPEND problems "\n  ${header}: a public alias of a detail template: ${aliases}")
    endif()
  endif()
endforeach()
list(LENGTH headers count)
if(problems)
  message(FATAL_ERROR "architecture rules broken:${problems}")
endif()
message(STATUS "checked ${count} headers: public nlohmann API only, no Unused parameters, no detail aliases")
