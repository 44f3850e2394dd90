// Centrali emulator: the "admin" managers (structures/collections, smart queries, AI validation,
// anomaly insights, allowed domains, search, storage uploads and folders), with in-memory state.
//
// Transport-free: the caller (the HTTP emulator) parses the request into an AdminRequest and
// writes the AdminReply back. Records are owned by the main emulator and read through a
// RecordSource callback.
//
// Locking: every public member takes the one internal mutex. The RecordSource callback is
// always called WITHOUT that mutex held (records are fetched before the state is locked), so
// the callback may take the main emulator's own lock; handle() itself must not be called while
// holding a lock that the callback also takes.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace centrali_emulator {

struct AdminReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

struct UploadedPart {
  std::string name, filename, content_type, content;
};

struct AdminRequest {
  std::string method;                // GET POST PUT PATCH DELETE
  std::string service;               // "data", "search" or "storage"
  std::vector<std::string> segments;  // decoded path segments AFTER the service prefix
                                      // (data: after data/workspace/{ws}/api/v1 ; search: after
                                      // search/workspace/{ws}/api/v1 ; storage: after storage/ws/{ws}/api/v1)
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::string body;                              // raw body (JSON routes)
  std::vector<UploadedPart> parts;               // multipart parts (uploads), already parsed by the caller
  std::string principal;                         // "user", "service-account", "publishable-key"
  std::string request_id;                        // e.g. req-17, to put in error bodies as requestId
  std::string workspace;
};

/// Reads every live (non-archived) record: {id, recordSlug, data, ...} objects.
using RecordSource = std::function<std::vector<nlohmann::json>(const std::string& slug /* "" = all slugs */)>;

class AdminRoutes {
 public:
  explicit AdminRoutes(RecordSource records);
  /// Handles the request if it is one of this module's routes; std::nullopt otherwise (so the
  /// caller can answer 404 ROUTE_NOT_FOUND). A known path with a wrong method → 405 JSON.
  std::optional<AdminReply> handle(const AdminRequest& request);
  // test controls
  std::size_t upload_count() const;
  std::optional<std::string> uploaded_bytes(const std::string& file_id) const;  // content of an upload
  void add_suggestion(nlohmann::json suggestion);  // seeds a validation suggestion (fields below); returns nothing
  void add_insight(nlohmann::json insight);        // seeds an anomaly insight

 private:
  struct Impl;  // the route handlers (admin_routes.cpp); a nested class, so it sees the state

  RecordSource records_;
  mutable std::mutex mutex_;  // guards everything below
  std::mt19937_64 rng_;
  // Entities are kept as their wire JSON, in creation order.
  std::vector<nlohmann::json> collections_;  // soft-deleted ones stay, with status "deleted"
  std::vector<nlohmann::json> smart_queries_;
  std::vector<nlohmann::json> suggestions_;
  std::vector<nlohmann::json> insights_;
  std::vector<nlohmann::json> domains_;
  std::vector<nlohmann::json> folders_;
  // Per-collection settings by record slug; a collection without an entry has the defaults.
  std::map<std::string, nlohmann::json> validation_configs_;
  std::map<std::string, nlohmann::json> insight_configs_;
  std::map<std::string, std::string> uploads_;     // file id → bytes
  std::map<std::string, std::string> render_ids_;  // renderId → file id
  std::uint64_t scan_counter_ = 0;
};

}  // namespace centrali_emulator
