// Every manager and the Client are class templates behind aliases, so that a translation unit
// compiles only the members it calls (benchmark P5). The price: a member that no test calls
// would never be compiled at all. These explicit instantiations compile every non-template
// member of every one of them here, under the suite's -Werror, whatever the tests call.
#include <centrali/client.hpp>

#include <type_traits>

template class centrali::detail::BasicClient<void>;
template class centrali::detail::BasicRecordsManager<void>;
template class centrali::detail::BasicFunctionsManager<void>;
template class centrali::detail::BasicTriggersManager<void>;
template class centrali::detail::BasicRunsManager<void>;
template class centrali::detail::BasicOrchestrationsManager<void>;
template class centrali::detail::BasicRealtimeManager<void>;
template class centrali::detail::BasicSubscriptionState<void>;
template class centrali::detail::BasicSchemaManager<void>;
template class centrali::detail::BasicStructuresManager<void>;
template class centrali::detail::BasicCollectionsManager<void>;
template class centrali::detail::BasicSmartQueriesManager<void>;
template class centrali::detail::BasicValidationManager<void>;
template class centrali::detail::BasicAnomalyInsightsManager<void>;
template class centrali::detail::BasicAllowedDomainsManager<void>;
template class centrali::detail::BasicSearchManager<void>;
template class centrali::detail::BasicFilesManager<void>;

// The public names are exactly these instantiations.
static_assert(std::is_same_v<centrali::Client, centrali::detail::BasicClient<void>>);
static_assert(std::is_same_v<centrali::RecordsManager, centrali::detail::BasicRecordsManager<void>>);
static_assert(std::is_same_v<centrali::TriggersManager, centrali::detail::BasicTriggersManager<void>>);
