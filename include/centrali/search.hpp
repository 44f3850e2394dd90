#pragma once
// client.search(): full-text search across collections (the search service).

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

struct SearchHit {
    std::string id;  ///< the record id
    std::string record_slug;
    std::optional<double> score;
    nlohmann::json document;   ///< the matched record as indexed
    nlohmann::json formatted;  ///< `_formatted`: the document with highlights, when sent
    nlohmann::json raw;
};

void from_json(const nlohmann::json& j, SearchHit& h);

struct SearchResult {
    long long total_hits = 0;  ///< `totalHits` (or the older `estimatedTotalHits`)
    std::vector<SearchHit> hits;
    std::optional<double> processing_time_ms;
    nlohmann::json raw;
};

void from_json(const nlohmann::json& j, SearchResult& r);

struct SearchOptions {
    std::vector<std::string> structures;  ///< collection slugs; empty: all
    long long limit = 0;                  ///< 0: the server's default
    long long offset = 0;
    std::string filter;                   ///< passed through as given
};

/// Every call has an `_async` twin (see async.hpp for its completion token).
class SearchManager : private detail::ManagerBase {
public:
    explicit SearchManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// The JS SDK's centrali.search(query, options). Parameter names are UNCONFIRMED.
    SearchResult query(std::string_view text, const SearchOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto query_async(std::string_view text, const SearchOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->query_op(text, options, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<SearchResult> query_op(std::string_view text, const SearchOptions& options, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/search.ipp>
#endif
