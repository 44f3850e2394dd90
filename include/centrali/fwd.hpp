#pragma once
// Forward declarations of the SDK's public types, for headers that only name them.

#include <centrali/version.hpp>

#include <nlohmann/json_fwd.hpp>

CENTRALI_NAMESPACE_BEGIN

class Client;
struct ClientOptions;
struct CallOptions;
struct WaitOptions;
struct RetryOptions;
struct TlsOptions;
class CancelToken;

class Error;
class ApiError;
class TransportError;
class DecodeError;
class Cancelled;
class ConfigurationError;
class InvalidArgument;

template <class T>
class Result;
template <class T>
struct Page;
template <class T>
class PageRange;

template <class T>
struct BasicRecord;
/// A record whose field map is an nlohmann::json object: what the record calls return unless
/// given another `T` (see BasicRecord).
using Record = BasicRecord<nlohmann::json>;
class RecordQuery;

class RecordsManager;
class FunctionsManager;
class TriggersManager;
class RunsManager;
class OrchestrationsManager;
class RealtimeManager;
class SchemaManager;
class CollectionsManager;
class StructuresManager;
class SmartQueriesManager;
class ValidationManager;
class AnomalyInsightsManager;
class AllowedDomainsManager;
class SearchManager;
class FilesManager;
class Subscription;

class Transport;
class AsyncTransport;
struct HttpRequest;
struct HttpResponse;

CENTRALI_NAMESPACE_END
