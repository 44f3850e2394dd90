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

/// One match of a search. Only `totalHits` of the result is documented for Centrali's search
/// service; the hit members follow the older search docs (UNCONFIRMED). Members the server did
/// not send stay empty.
struct SearchHit {
    std::string id;  ///< the record id
    std::string record_slug;  ///< `recordSlug`: the collection the record is in
    std::optional<double> score;  ///< the relevance score, when sent
    nlohmann::json document;   ///< the matched record as indexed
    nlohmann::json formatted;  ///< `_formatted`: the document with highlights, when sent
    nlohmann::json raw;  ///< the whole hit as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes a hit: `id` (or `recordId`); `document` is the hit's `document` member, or the
/// whole hit when it has none.
void from_json(const nlohmann::json& j, SearchHit& h);

/// The answer to SearchManager::query().
struct SearchResult {
    long long total_hits = 0;  ///< `totalHits` (or the older `estimatedTotalHits`)
    std::vector<SearchHit> hits;  ///< `hits`: the matches on this page, in the server's order
    std::optional<double> processing_time_ms;  ///< `processingTimeMs`: the server's search time in milliseconds, when sent
    nlohmann::json raw;  ///< the whole answer as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes a search result; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, SearchResult& r);

/// Where and how much to search. Paging is spelled as for every list (page, page_size) and
/// sent as the search route's `limit` and `offset` ((page - 1) × page_size); a page without a
/// page_size throws InvalidArgument, since the offset depends on it. Query parameter names
/// (`structures`, `limit`, `offset`, `filter`) are UNCONFIRMED.
struct SearchOptions {
    std::vector<std::string> structures;  ///< collection slugs; empty: all
    std::optional<long long> page;        ///< the page of hits, from 1; unset: the first
    std::optional<long long> page_size;   ///< hits per page (`limit`); unset: the server's default
    std::string filter;                   ///< passed through as given
};

/// Every call has an `_async` twin (see async.hpp for its completion token).
///
/// Every call throws a centrali::Error: an ApiError by status for a non-2xx answer,
/// TransportError, DecodeError or Cancelled.
class SearchManager : private detail::ManagerBase {
public:
    /// Made by the Client (Client::search()); not for direct use.
    explicit SearchManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// Full-text search for `text` (sent as `q`) across the collections `options` names, or all
    /// of them: the JS SDK's centrali.search(query, options). Parameter names are UNCONFIRMED.
    /// An empty `text` throws InvalidArgument before anything is sent.
    SearchResult query(std::string_view text, const SearchOptions& options = {}, const CallOptions& call = {});
    /// query() with `options` at its default, so that the call's options need no
    /// placeholder: `query(text, call)`, not `query(text, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    SearchResult query(std::string_view text, const Call& call) {
        return query(text, SearchOptions{}, call);
    }
    /// query() without blocking: the result, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto query_async(std::string_view text, const SearchOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->query_op(text, options, call).launch(std::forward<Token>(token));
    }
    /// query_async() with `options` at its default, so that the call's options need no
    /// placeholder: `query_async(text, call)`, not `query_async(text, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto query_async(std::string_view text, const Call& call, Token&& token = {}) {
        return query_async(text, SearchOptions{}, call, std::forward<Token>(token));
    }

private:
    detail::HttpOp<SearchResult> query_op(std::string_view text, const SearchOptions& options, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/search.ipp>
#endif
