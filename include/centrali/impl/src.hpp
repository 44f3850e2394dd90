#pragma once
// The one translation unit of the compiled mode (as asio/impl/src.hpp): include it in exactly
// one .cpp of a program built with CENTRALI_SEPARATE_COMPILATION defined everywhere (the CMake
// target centrali::compiled does both). Every definition of the SDK is compiled here, once.

#if !defined(CENTRALI_SEPARATE_COMPILATION)
#error "centrali/impl/src.hpp is for the compiled mode: define CENTRALI_SEPARATE_COMPILATION for every translation unit"
#endif

#include <centrali/client.hpp>

#include <centrali/impl/options.ipp>
#include <centrali/impl/transport.ipp>
#include <centrali/detail/impl/url.ipp>
#include <centrali/detail/impl/routes.ipp>
#include <centrali/detail/impl/retry.ipp>
#include <centrali/detail/impl/json.ipp>
#include <centrali/detail/impl/redact.ipp>
#include <centrali/detail/impl/executor.ipp>
#include <centrali/detail/impl/event_loop.ipp>
#include <centrali/detail/impl/core.ipp>
#include <centrali/detail/impl/auth.ipp>
#include <centrali/detail/impl/manager.ipp>
#include <centrali/detail/impl/sse_parser.ipp>
#include <centrali/impl/page.ipp>
#include <centrali/impl/records.ipp>
#include <centrali/impl/functions.ipp>
#include <centrali/impl/runs.ipp>
#include <centrali/impl/triggers.ipp>
#include <centrali/impl/orchestrations.ipp>
#include <centrali/impl/realtime.ipp>
#include <centrali/impl/structures.ipp>
#include <centrali/impl/smart_queries.ipp>
#include <centrali/impl/validation.ipp>
#include <centrali/impl/anomaly_insights.ipp>
#include <centrali/impl/allowed_domains.ipp>
#include <centrali/impl/search.ipp>
#include <centrali/impl/files.ipp>
#include <centrali/impl/client.ipp>
