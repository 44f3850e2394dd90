#pragma once
// client.validation(): AI data validation. Centrali flags format, typo, duplicate and semantic
// issues in records and suggests fixes, which you accept or reject.

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

/// The kind of problem a suggestion fixes. Wire spellings of issue types and statuses are
/// UNCONFIRMED; unknown values are kept.
class ValidationIssueType : public StringEnum<ValidationIssueType> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const ValidationIssueType format, typo, duplicate, semantic;
};
inline const ValidationIssueType ValidationIssueType::format{"format"};        ///< `format`: a value in the wrong format
inline const ValidationIssueType ValidationIssueType::typo{"typo"};            ///< `typo`: a misspelt value
inline const ValidationIssueType ValidationIssueType::duplicate{"duplicate"};  ///< `duplicate`: a value that duplicates another record's
inline const ValidationIssueType ValidationIssueType::semantic{"semantic"};    ///< `semantic`: a value that does not make sense in context

/// Where a suggestion is in its review: pending until accepted or rejected. Wire spellings
/// UNCONFIRMED; unknown values are kept.
class SuggestionStatus : public StringEnum<SuggestionStatus> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const SuggestionStatus pending, accepted, rejected;
};
inline const SuggestionStatus SuggestionStatus::pending{"pending"};    ///< `pending`: waiting for accept() or reject()
inline const SuggestionStatus SuggestionStatus::accepted{"accepted"};  ///< `accepted`: the suggested value was applied
inline const SuggestionStatus SuggestionStatus::rejected{"rejected"};  ///< `rejected`: the record was left as it was

/// A fix the AI validation proposes for one field of one record. Members the server did not
/// send stay empty; every member name is UNCONFIRMED.
struct ValidationSuggestion {
    std::string id;  ///< the suggestion's id; get_suggestion(), accept() and reject() take it
    std::string record_slug;  ///< `recordSlug`: the record's collection
    std::string record_id;  ///< `recordId`: the record the suggestion is about
    std::string field;  ///< the field of the record it is about
    ValidationIssueType issue_type;  ///< `issueType`
    SuggestionStatus status;  ///< `status`
    nlohmann::json current_value;  ///< `currentValue`: the field's value now; null when absent
    nlohmann::json suggested_value;  ///< `suggestedValue`: the value accept() applies; null when absent
    std::optional<double> confidence;  ///< 0..1
    std::string reason;  ///< why the value looks wrong, in words
    std::string created_at;  ///< `createdAt`, as the server sent it
    nlohmann::json raw;  ///< the whole object as received, for the members this SDK does not model
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes a suggestion; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, ValidationSuggestion& s);

/// Filters and paging for ValidationManager::list_suggestions(). Like the JS SDK, empty or
/// unset filters and zero page/limit are not sent (the server's defaults apply).
struct ListSuggestionsOptions {
    std::string record_slug;  ///< `recordSlug`: only this collection's suggestions
    std::optional<SuggestionStatus> status;  ///< `status`: only suggestions in this state
    std::optional<ValidationIssueType> issue_type;  ///< `issueType`: only suggestions of this kind
    std::optional<long long> page;       ///< the page number, from 1 (sent as `page`); unset: not sent
    std::optional<long long> page_size;  ///< items per page (sent as `limit`); unset: not sent
};

/// A started batch scan of a collection's existing records.
struct ValidationScan {
    std::string id;  ///< `id`, or `jobId` when the server sent no id
    std::string status;  ///< the scan's state as the server sent it (values UNCONFIRMED)
    nlohmann::json raw;  ///< the whole answer as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes a scan; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, ValidationScan& s);

/// Every call has an `_async` twin (see async.hpp for its completion token). Every route is
/// UNCONFIRMED.
///
/// Every call throws a centrali::Error: an ApiError by status for a non-2xx answer (NotFound,
/// …), TransportError, DecodeError or Cancelled; InvalidArgument for an empty id, which the
/// `_async` twins throw themselves instead of reporting it through the token.
class ValidationManager : private detail::ManagerBase {
public:
    /// Made by the Client (Client::validation()); not for direct use.
    explicit ValidationManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// One page of the suggestions that match `options`.
    Page<ValidationSuggestion> list_suggestions(const ListSuggestionsOptions& options = {}, const CallOptions& call = {});
    /// list_suggestions() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_suggestions_async(const ListSuggestionsOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }

    /// The suggestion with this id; NotFound when there is none.
    ValidationSuggestion get_suggestion(std::string_view id, const CallOptions& call = {});
    /// get_suggestion() without blocking: the suggestion, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_suggestion_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::validation_suggestion, id, call).launch(std::forward<Token>(token));
    }

    /// Applies the suggested value to the record; returns the suggestion as the server answered.
    ValidationSuggestion accept(std::string_view id, const CallOptions& call = {});
    /// accept() without blocking: the suggestion, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto accept_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::validation_accept, id, call).launch(std::forward<Token>(token));
    }

    /// Rejects the suggestion, leaving the record as it is; returns the suggestion as the server
    /// answered.
    ValidationSuggestion reject(std::string_view id, const CallOptions& call = {});
    /// reject() without blocking: the suggestion, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto reject_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::validation_reject, id, call).launch(std::forward<Token>(token));
    }

    /// Starts a batch scan of a collection's existing records. It returns once the scan is
    /// started; its findings arrive as suggestions (list_suggestions()). An empty slug throws
    /// InvalidArgument before anything is sent.
    ValidationScan scan(std::string_view record_slug, const CallOptions& call = {});
    /// scan() without blocking: the scan, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto scan_async(std::string_view record_slug, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->scan_op(record_slug, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<ValidationSuggestion>> list_op(const ListSuggestionsOptions& options, const CallOptions& call) const;
    detail::HttpOp<ValidationSuggestion> by_id(const detail::Route& route, std::string_view id, const CallOptions& call) const;
    detail::HttpOp<ValidationScan> scan_op(std::string_view record_slug, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/validation.ipp>
#endif
