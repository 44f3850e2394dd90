#pragma once
// Every HTTP route the SDK calls, in one table (the JS SDK's get…ApiPath helpers). Paths are
// relative to the API origin, without a leading slash, exactly as the JS helpers return them.
// `{ws}` is the workspace slug; every other `{name}` is filled, in order, from the caller's
// arguments, each percent-encoded as one path segment.
//
// Each route carries the confidence label of ../shared/api: where a route is UNCONFIRMED, this
// table is the one line to change once the real SDK's wire behaviour is known.

#include <centrali/detail/url.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

enum class Confidence { code, doc, app, inferred, unconfirmed };

inline const char* to_string(Confidence c) noexcept {
    switch (c) {
    case Confidence::code: return "CODE";
    case Confidence::doc: return "DOC";
    case Confidence::app: return "APP";
    case Confidence::inferred: return "INFERRED";
    case Confidence::unconfirmed: return "UNCONFIRMED";
    }
    return "?";
}

struct Route {
    std::string_view name;
    std::string_view method;
    std::string_view path;
    Confidence confidence;
};

/// Appends `route`'s path to `out`, each placeholder replaced by one percent-encoded segment:
/// `{ws}` by the workspace, the others by `args` in order. Throws InvalidArgument for an empty
/// value and std::logic_error when the argument count does not match (a bug in the SDK).
void append_route(std::string& out, const Route& route, std::string_view workspace,
                  std::initializer_list<std::string_view> args);
std::string expand_route(const Route& route, std::string_view workspace, std::initializer_list<std::string_view> args);

namespace routes {
using C = Confidence;

// --- Records ------------------------------------------------------------------------------
// The list route is documented (`GET records/slug/{recordSlug}`). The JS SDK's record methods
// all take the slug, but the single-record routes behind them are not public: the older route
// map documents `GET|PATCH|DELETE records/{id}` (no slug). We address single records under the
// slug route, like the list route, and keep that UNCONFIRMED.
inline constexpr Route records_query{"records.query", "GET", "data/workspace/{ws}/api/v1/records/slug/{slug}", C::doc};
inline constexpr Route records_create{"records.create", "POST", "data/workspace/{ws}/api/v1/records/slug/{slug}", C::unconfirmed};
inline constexpr Route records_get{"records.get", "GET", "data/workspace/{ws}/api/v1/records/slug/{slug}/{id}", C::unconfirmed};
// PATCH: the older route map documents `PATCH /records/{id}` for updates (DOC for the verb).
inline constexpr Route records_update{"records.update", "PATCH", "data/workspace/{ws}/api/v1/records/slug/{slug}/{id}", C::unconfirmed};
// Soft delete by default; `hard=true` (parameter name UNCONFIRMED) deletes for good.
inline constexpr Route records_delete{"records.delete", "DELETE", "data/workspace/{ws}/api/v1/records/slug/{slug}/{id}", C::unconfirmed};
// Restore, upsert and bulk exist on the server (DOC: "Upsert", "record_restored",
// "POST /records/bulk"); their routes and bodies are not public.
inline constexpr Route records_restore{"records.restore", "POST", "data/workspace/{ws}/api/v1/records/slug/{slug}/{id}/restore", C::unconfirmed};
inline constexpr Route records_upsert{"records.upsert", "POST", "data/workspace/{ws}/api/v1/records/slug/{slug}/upsert", C::unconfirmed};
inline constexpr Route records_bulk_create{"records.bulk_create", "POST", "data/workspace/{ws}/api/v1/records/slug/{slug}/bulk", C::unconfirmed};
inline constexpr Route records_bulk_update{"records.bulk_update", "PATCH", "data/workspace/{ws}/api/v1/records/slug/{slug}/bulk", C::unconfirmed};
inline constexpr Route records_bulk_delete{"records.bulk_delete", "DELETE", "data/workspace/{ws}/api/v1/records/slug/{slug}/bulk", C::unconfirmed};

// --- Compute functions (data service) -----------------------------------------------------
// Base path DOC (api-reference/functions); the test path is verbatim in the SDK 4.4.5 seed.
inline constexpr Route functions_list{"functions.list", "GET", "data/workspace/{ws}/api/v1/compute-functions", C::doc};
inline constexpr Route functions_create{"functions.create", "POST", "data/workspace/{ws}/api/v1/compute-functions", C::doc};
inline constexpr Route functions_get{"functions.get", "GET", "data/workspace/{ws}/api/v1/compute-functions/{id}", C::inferred};
// PUT: the older route map lists `PUT /functions/{id}`; PATCH is possible.
inline constexpr Route functions_update{"functions.update", "PUT", "data/workspace/{ws}/api/v1/compute-functions/{id}", C::unconfirmed};
inline constexpr Route functions_delete{"functions.delete", "DELETE", "data/workspace/{ws}/api/v1/compute-functions/{id}", C::unconfirmed};
inline constexpr Route functions_test{"functions.test_execute", "POST", "data/workspace/{ws}/api/v1/compute-functions/test", C::code};

// --- Triggers (data service) ----------------------------------------------------------------
// Base path DOC (platform/trigger-parameters). Single-trigger routes follow REST convention.
inline constexpr Route triggers_list{"triggers.list", "GET", "data/workspace/{ws}/api/v1/function-triggers", C::doc};
inline constexpr Route triggers_create{"triggers.create", "POST", "data/workspace/{ws}/api/v1/function-triggers", C::doc};
inline constexpr Route triggers_get{"triggers.get", "GET", "data/workspace/{ws}/api/v1/function-triggers/{id}", C::inferred};
inline constexpr Route triggers_update{"triggers.update", "PUT", "data/workspace/{ws}/api/v1/function-triggers/{id}", C::unconfirmed};
inline constexpr Route triggers_delete{"triggers.delete", "DELETE", "data/workspace/{ws}/api/v1/function-triggers/{id}", C::unconfirmed};
// invoke: asynchronous, answers with the job id (DOC: SDK README); the path is UNCONFIRMED.
inline constexpr Route triggers_invoke{"triggers.invoke", "POST", "data/workspace/{ws}/api/v1/function-triggers/{id}/execute", C::unconfirmed};
inline constexpr Route triggers_pause{"triggers.pause", "PATCH", "data/workspace/{ws}/api/v1/function-triggers/{id}/pause", C::unconfirmed};
inline constexpr Route triggers_resume{"triggers.resume", "PATCH", "data/workspace/{ws}/api/v1/function-triggers/{id}/resume", C::unconfirmed};

// --- Function runs (data service) -----------------------------------------------------------
// get / by trigger / by function are verbatim in the SDK 4.4.5 seed (FunctionRunsManager).
inline constexpr Route runs_get{"runs.get", "GET", "data/workspace/{ws}/api/v1/function-runs/{id}", C::code};
inline constexpr Route runs_by_trigger{"runs.list_by_trigger", "GET", "data/workspace/{ws}/api/v1/function-runs/trigger/{id}", C::code};
inline constexpr Route runs_by_function{"runs.list_by_function", "GET", "data/workspace/{ws}/api/v1/function-runs/function/{id}", C::code};
// Job status (state / returnValue.outputs / failedReason) is used by vendor templates through
// runs.getJobStatus, which is not in 4.4.5; its path is UNCONFIRMED.
inline constexpr Route runs_job_status{"runs.get_job_status", "GET", "data/workspace/{ws}/api/v1/function-runs/jobs/{id}", C::unconfirmed};

// --- Orchestrations (orchestration service) ---------------------------------------------------
// `{orchestration}` is ClientOptions::orchestration_base_path (its two documented forms
// disagree). list/get/create are DOC (api-reference/orchestrations-api); the rest follow REST
// convention and are UNCONFIRMED.
inline constexpr Route orchestrations_list{"orchestrations.list", "GET", "{orchestration}/orchestrations", C::doc};
inline constexpr Route orchestrations_create{"orchestrations.create", "POST", "{orchestration}/orchestrations", C::doc};
inline constexpr Route orchestrations_get{"orchestrations.get", "GET", "{orchestration}/orchestrations/{id}", C::doc};
inline constexpr Route orchestrations_update{"orchestrations.update", "PUT", "{orchestration}/orchestrations/{id}", C::unconfirmed};
inline constexpr Route orchestrations_delete{"orchestrations.delete", "DELETE", "{orchestration}/orchestrations/{id}", C::unconfirmed};
inline constexpr Route orchestration_runs_start{"orchestrations.start", "POST", "{orchestration}/orchestrations/{id}/runs", C::unconfirmed};
inline constexpr Route orchestration_runs_list{"orchestrations.list_runs", "GET", "{orchestration}/orchestrations/{id}/runs", C::unconfirmed};
inline constexpr Route orchestration_runs_get{"orchestrations.get_run", "GET", "{orchestration}/orchestrations/{id}/runs/{run}", C::unconfirmed};
inline constexpr Route orchestration_runs_steps{"orchestrations.steps", "GET", "{orchestration}/orchestrations/{id}/runs/{run}/steps", C::unconfirmed};
inline constexpr Route orchestration_runs_cancel{"orchestrations.cancel_run", "POST", "{orchestration}/orchestrations/{id}/runs/{run}/cancel", C::unconfirmed};

// --- Structures and collections (data service) -----------------------------------------------
// The older route map documents GET/POST structures and GET/PUT/DELETE structures/{id} (DOC).
// The by-slug, validate and restore paths are UNCONFIRMED (the SDK has getCollectionBySlugApiPath
// and getCollectionValidateApiPath helpers, bodies not public). "collections" is the newer name
// of the same resource; its paths are UNCONFIRMED.
#define CENTRALI_SCHEMA_ROUTES(prefix, base, label)                                                                 \
    inline constexpr Route prefix##_list{#prefix ".list", "GET", "data/workspace/{ws}/api/v1/" base, label};        \
    inline constexpr Route prefix##_create{#prefix ".create", "POST", "data/workspace/{ws}/api/v1/" base, label};   \
    inline constexpr Route prefix##_get{#prefix ".get", "GET", "data/workspace/{ws}/api/v1/" base "/{id}", label};   \
    inline constexpr Route prefix##_update{#prefix ".update", "PUT", "data/workspace/{ws}/api/v1/" base "/{id}", label}; \
    inline constexpr Route prefix##_delete{#prefix ".delete", "DELETE", "data/workspace/{ws}/api/v1/" base "/{id}", label}; \
    inline constexpr Route prefix##_by_slug{#prefix ".get_by_slug", "GET", "data/workspace/{ws}/api/v1/" base "/slug/{slug}", C::unconfirmed}; \
    inline constexpr Route prefix##_validate{#prefix ".validate", "POST", "data/workspace/{ws}/api/v1/" base "/validate", C::unconfirmed}; \
    inline constexpr Route prefix##_restore{#prefix ".restore", "POST", "data/workspace/{ws}/api/v1/" base "/{id}/restore", C::unconfirmed}; \
    inline constexpr Route prefix##_bulk_create{#prefix ".bulk_create", "POST", "data/workspace/{ws}/api/v1/" base "/bulk", C::unconfirmed}; \
    inline constexpr Route prefix##_bulk_delete{#prefix ".bulk_delete", "DELETE", "data/workspace/{ws}/api/v1/" base "/bulk", C::unconfirmed}; \
    inline constexpr Route prefix##_bulk_delete_properties{#prefix ".bulk_delete_properties", "DELETE", "data/workspace/{ws}/api/v1/" base "/{id}/properties", C::unconfirmed};
// Bulk create, bulk delete and bulk delete of properties exist (DOC: the structures guide's
// contents list them); their paths and bodies are not public, so all three are UNCONFIRMED,
// and so are their body members: bulk create sends `{"<base>": [definition, …]}` (the route
// set's own name: structures or collections) and answers the created list; bulk delete sends
// `{"ids": […]}`; bulk delete of properties sends `{"propertyNames": […]}` and answers the
// structure as stored.
CENTRALI_SCHEMA_ROUTES(structures, "structures", C::doc)
CENTRALI_SCHEMA_ROUTES(collections, "collections", C::unconfirmed)
#undef CENTRALI_SCHEMA_ROUTES

// --- Smart queries (data service) -----------------------------------------------------------
// execute is DOC (platform/smart-queries, printed without the data/ prefix); the CRUD and test
// paths are UNCONFIRMED (the SDK has a getSmartQueryTestApiPath helper).
inline constexpr Route smart_queries_list_all{"smart_queries.list", "GET", "data/workspace/{ws}/api/v1/smart-queries", C::unconfirmed};
inline constexpr Route smart_queries_list{"smart_queries.list_for", "GET", "data/workspace/{ws}/api/v1/smart-queries/slug/{slug}", C::unconfirmed};
inline constexpr Route smart_queries_create{"smart_queries.create", "POST", "data/workspace/{ws}/api/v1/smart-queries/slug/{slug}", C::unconfirmed};
inline constexpr Route smart_queries_get{"smart_queries.get", "GET", "data/workspace/{ws}/api/v1/smart-queries/slug/{slug}/{id}", C::unconfirmed};
inline constexpr Route smart_queries_update{"smart_queries.update", "PUT", "data/workspace/{ws}/api/v1/smart-queries/slug/{slug}/{id}", C::unconfirmed};
inline constexpr Route smart_queries_delete{"smart_queries.delete", "DELETE", "data/workspace/{ws}/api/v1/smart-queries/slug/{slug}/{id}", C::unconfirmed};
inline constexpr Route smart_queries_execute{"smart_queries.execute", "POST", "data/workspace/{ws}/api/v1/smart-queries/slug/{slug}/execute/{id}", C::doc};
inline constexpr Route smart_queries_test{"smart_queries.test", "POST", "data/workspace/{ws}/api/v1/smart-queries/slug/{slug}/test", C::unconfirmed};

// --- AI validation, anomaly insights, allowed domains (data service; all UNCONFIRMED) --------
// The SDK has getValidationSuggestionsApiPath / getValidationSuggestionAcceptApiPath helpers;
// nothing public shows their paths, or whether they live on the ai/ service instead.
inline constexpr Route validation_suggestions{"validation.list_suggestions", "GET", "data/workspace/{ws}/api/v1/validation/suggestions", C::unconfirmed};
inline constexpr Route validation_suggestion{"validation.get_suggestion", "GET", "data/workspace/{ws}/api/v1/validation/suggestions/{id}", C::unconfirmed};
inline constexpr Route validation_accept{"validation.accept", "POST", "data/workspace/{ws}/api/v1/validation/suggestions/{id}/accept", C::unconfirmed};
inline constexpr Route validation_reject{"validation.reject", "POST", "data/workspace/{ws}/api/v1/validation/suggestions/{id}/reject", C::unconfirmed};
inline constexpr Route validation_scan{"validation.scan", "POST", "data/workspace/{ws}/api/v1/validation/scan", C::unconfirmed};
inline constexpr Route insights_list{"anomaly_insights.list", "GET", "data/workspace/{ws}/api/v1/anomaly-insights", C::unconfirmed};
inline constexpr Route insights_get{"anomaly_insights.get", "GET", "data/workspace/{ws}/api/v1/anomaly-insights/{id}", C::unconfirmed};
inline constexpr Route insights_acknowledge{"anomaly_insights.acknowledge", "POST", "data/workspace/{ws}/api/v1/anomaly-insights/{id}/acknowledge", C::unconfirmed};
inline constexpr Route insights_dismiss{"anomaly_insights.dismiss", "POST", "data/workspace/{ws}/api/v1/anomaly-insights/{id}/dismiss", C::unconfirmed};
inline constexpr Route insights_analyze{"anomaly_insights.analyze", "POST", "data/workspace/{ws}/api/v1/anomaly-insights/analyze", C::unconfirmed};
inline constexpr Route insights_summary{"anomaly_insights.summary", "GET", "data/workspace/{ws}/api/v1/anomaly-insights/summary", C::unconfirmed};
// Per-collection configuration, read (GET) and changed (PUT; PATCH is possible) by the
// collection's record slug. The settings are DOC (features/ai-validation, features/anomaly-
// insights: they are set per structure in the Console); every path and wire name is
// UNCONFIRMED: validation `enabled`, `mode` (advisory | auto-correct), `confidenceThreshold`
// (a percentage, 70-100), `issueTypes` (format, typo, duplicate, semantic); anomaly insights
// `schedule` (hourly | daily | weekly | on-demand) and `sensitivity` (low | medium | high).
// Both answer the whole configuration, with `recordSlug`.
inline constexpr Route validation_config_get{"validation.get_config", "GET", "data/workspace/{ws}/api/v1/validation/config/{slug}", C::unconfirmed};
inline constexpr Route validation_config_update{"validation.update_config", "PUT", "data/workspace/{ws}/api/v1/validation/config/{slug}", C::unconfirmed};
inline constexpr Route insights_config_get{"anomaly_insights.get_config", "GET", "data/workspace/{ws}/api/v1/anomaly-insights/config/{slug}", C::unconfirmed};
inline constexpr Route insights_config_update{"anomaly_insights.update_config", "PUT", "data/workspace/{ws}/api/v1/anomaly-insights/config/{slug}", C::unconfirmed};
inline constexpr Route allowed_domains_list{"allowed_domains.list", "GET", "data/workspace/{ws}/api/v1/allowed-domains", C::unconfirmed};
inline constexpr Route allowed_domains_add{"allowed_domains.add", "POST", "data/workspace/{ws}/api/v1/allowed-domains", C::unconfirmed};
inline constexpr Route allowed_domains_remove{"allowed_domains.remove", "DELETE", "data/workspace/{ws}/api/v1/allowed-domains/{id}", C::unconfirmed};

// --- Search service ---------------------------------------------------------------------------
// The service base is DOC (api-reference); the route and parameter names are UNCONFIRMED.
inline constexpr Route search_query{"search.query", "GET", "search/workspace/{ws}/api/v1/search", C::unconfirmed};

// --- Storage service --------------------------------------------------------------------------
// Base `storage/ws/{ws}/api/v1` and the folder routes are DOC (features/storage); the upload
// route (`POST /upload` in the older route map) and its multipart field names are UNCONFIRMED.
inline constexpr Route files_upload{"files.upload", "POST", "storage/ws/{ws}/api/v1/upload", C::unconfirmed};
inline constexpr Route folders_list{"files.list_folders", "GET", "storage/ws/{ws}/api/v1/folders", C::doc};
inline constexpr Route folders_create{"files.create_folder", "POST", "storage/ws/{ws}/api/v1/folders", C::doc};
inline constexpr Route folders_create_sub{"files.create_subfolder", "POST", "storage/ws/{ws}/api/v1/folders/{id}/sub-folders", C::doc};

// --- Realtime (SSE) ------------------------------------------------------------------------
inline constexpr Route realtime_events{"realtime.subscribe", "GET", "realtime/workspace/{ws}/events", C::doc};

/// Every route, for documentation and for tests that check the table itself.
inline constexpr Route all[] = {
    records_query,    records_create,   records_get,       records_update,   records_delete,
    records_restore,  records_upsert,   records_bulk_create, records_bulk_update, records_bulk_delete,
    functions_list,   functions_create, functions_get,     functions_update, functions_delete,
    functions_test,   triggers_list,    triggers_create,   triggers_get,     triggers_update,
    triggers_delete,  triggers_invoke,  triggers_pause,    triggers_resume,  runs_get,
    runs_by_trigger,  runs_by_function, runs_job_status, orchestrations_list, orchestrations_create,
    orchestrations_get, orchestrations_update, orchestrations_delete, orchestration_runs_start,
    orchestration_runs_list, orchestration_runs_get, orchestration_runs_steps, orchestration_runs_cancel,
    structures_list, structures_create, structures_get, structures_update, structures_delete, structures_by_slug,
    structures_validate, structures_restore, collections_list, collections_create, collections_get,
    collections_update, collections_delete, collections_by_slug, collections_validate, collections_restore,
    smart_queries_list_all, smart_queries_list, smart_queries_create, smart_queries_get, smart_queries_update,
    smart_queries_delete, smart_queries_execute, smart_queries_test, validation_suggestions, validation_suggestion,
    validation_accept, validation_reject, validation_scan, insights_list, insights_get, insights_acknowledge,
    insights_dismiss, insights_analyze, insights_summary, allowed_domains_list, allowed_domains_add,
    allowed_domains_remove, search_query, files_upload, folders_list, folders_create, folders_create_sub,
    realtime_events,
    structures_bulk_create, structures_bulk_delete, structures_bulk_delete_properties, collections_bulk_create,
    collections_bulk_delete, collections_bulk_delete_properties, validation_config_get, validation_config_update,
    insights_config_get, insights_config_update,
};

}  // namespace routes
}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/routes.ipp>
#endif
