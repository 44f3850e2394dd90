#pragma once

#include <centrali/search.hpp>

#include <algorithm>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, SearchHit& h) {
    h.id = detail::read_identity(j, "id", "a search hit", "recordId");
    const detail::TolerantReader read{j};
    read("recordSlug", h.record_slug);
    read("score", h.score);
    if (auto doc = j.find("document"); doc != j.end()) h.document = *doc;
    else h.document = j;
    read("_formatted", h.formatted);
    h.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, SearchResult& r) {
    detail::require_model_object(j, "a search result");
    const detail::TolerantReader read{j};
    read("totalHits", r.total_hits);
    if (!j.contains("totalHits")) read("estimatedTotalHits", r.total_hits);
    // Each hit is an item, as on a page: one without a readable id fails the result.
    detail::read_member(j, "hits", r.hits);
    read("processingTimeMs", r.processing_time_ms);
    r.raw = j;
}

CENTRALI_DECL SearchResult SearchManager::query(std::string_view text, const SearchOptions& options, const CallOptions& call) {
    return query_op(text, options, call).run();
}

CENTRALI_DECL detail::HttpOp<SearchResult> SearchManager::query_op(std::string_view text, const SearchOptions& options,
                                                              const CallOptions& call) const {
    if (text.empty()) throw InvalidArgument("search needs a query text");
    detail::Query query;
    query.add("q", std::string(text));
    if (!options.structures.empty()) query.add("structures", detail::join(options.structures));
    if (options.page_size) query.add("limit", std::to_string(*options.page_size));
    if (options.page) {
        if (!options.page_size) throw InvalidArgument("search: a page needs a page_size (the offset depends on it)");
        query.add("offset", std::to_string((std::max)(*options.page - 1, 0LL) * *options.page_size));
    }
    if (!options.filter.empty()) query.add("filter", options.filter);
    return one<SearchResult>(detail::routes::search_query, {}, query, nullptr, "search result", call);
}

CENTRALI_NAMESPACE_END
