#pragma once
// client.search(): full-text search across collections (the search service).

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>

#include <nlohmann/json.hpp>

#include <future>
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

template <class T, detail::only<T, SearchHit> = 0>
void from_json(const nlohmann::json& j, T& h) {
    detail::read_member(j, "id", h.id);
    if (h.id.empty()) detail::read_member(j, "recordId", h.id);
    detail::read_member(j, "recordSlug", h.record_slug);
    detail::read_member(j, "score", h.score);
    if (auto doc = j.find("document"); doc != j.end()) h.document = *doc;
    else h.document = j;
    detail::read_member(j, "_formatted", h.formatted);
    h.raw = j;
}

struct SearchResult {
    long long total_hits = 0;  ///< `totalHits` (or the older `estimatedTotalHits`)
    std::vector<SearchHit> hits;
    std::optional<double> processing_time_ms;
    nlohmann::json raw;
};

template <class T, detail::only<T, SearchResult> = 0>
void from_json(const nlohmann::json& j, T& r) {
    detail::read_member(j, "totalHits", r.total_hits);
    if (!j.contains("totalHits")) detail::read_member(j, "estimatedTotalHits", r.total_hits);
    detail::read_member(j, "hits", r.hits);
    detail::read_member(j, "processingTimeMs", r.processing_time_ms);
    r.raw = j;
}

struct SearchOptions {
    std::vector<std::string> structures;  ///< collection slugs; empty: all
    long long limit = 0;                  ///< 0: the server's default
    long long offset = 0;
    std::string filter;                   ///< passed through as given
};

namespace detail {
/// A template only so that it compiles on first use (see ManagerBase): name it SearchManager.
template <class Unused = void>
class BasicSearchManager : private ManagerBase {
public:
    explicit BasicSearchManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    /// The JS SDK's centrali.search(query, options). Parameter names are UNCONFIRMED.
    SearchResult query(std::string_view text, const SearchOptions& options = {}, const CallOptions& call = {}) {
        return query_op(text, options).run(call);
    }
    std::future<SearchResult> query_async(std::string_view text, const SearchOptions& options = {},
                                          const CallOptions& call = {}) {
        return query_op(text, options).submit(call);
    }

private:
    detail::Op<SearchResult> query_op(std::string_view text, const SearchOptions& options) const {
        detail::Query query;
        query.add("q", std::string(text));
        if (!options.structures.empty()) query.add("structures", detail::join(options.structures));
        if (options.limit > 0) query.add("limit", std::to_string(options.limit));
        if (options.offset > 0) query.add("offset", std::to_string(options.offset));
        if (!options.filter.empty()) query.add("filter", options.filter);
        return one<SearchResult>(detail::routes::search_query, {}, query, nullptr, "search result");
    }
};
}  // namespace detail

using SearchManager = detail::BasicSearchManager<>;

CENTRALI_NAMESPACE_END
