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

/// What the AI validation of a collection does with the issues it finds. Wire spellings
/// UNCONFIRMED; unknown values are kept.
class ValidationMode : public StringEnum<ValidationMode> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const ValidationMode advisory, auto_correct;
};
inline const ValidationMode ValidationMode::advisory{"advisory"};          ///< `advisory`: issues are only flagged, for review
inline const ValidationMode ValidationMode::auto_correct{"auto-correct"};  ///< `auto-correct`: fixes at or above the confidence threshold are applied

/// How AI validation runs on one collection, as the server stores it. Members the server did
/// not send stay empty; every member name is UNCONFIRMED.
struct ValidationConfig {
    std::string record_slug;  ///< `recordSlug`: the collection; always present (a DecodeError without it)
    std::optional<bool> enabled;  ///< whether records are validated at all
    ValidationMode mode;  ///< `mode`
    /// `confidenceThreshold`: the percentage (70 to 100, per the docs) a suggestion's
    /// confidence must reach for auto-correct to apply it.
    std::optional<double> confidence_threshold;
    std::vector<ValidationIssueType> issue_types;  ///< `issueTypes`: the kinds of issue looked for
    std::string updated_at;  ///< `updatedAt`, as the server sent it
    nlohmann::json raw;  ///< the whole object as received, for the members this SDK does not model
};

/// Decodes a configuration: `recordSlug` must be a string, any other member of an unexpected
/// type keeps its default (and stays in `raw`).
void from_json(const nlohmann::json& j, ValidationConfig& c);

/// The changes of ValidationManager::update_config(): only the members that are set are sent;
/// the server keeps the others.
struct UpdateValidationConfigInput {
    std::optional<bool> enabled;  ///< `enabled`
    std::optional<ValidationMode> mode;  ///< `mode`
    std::optional<double> confidence_threshold;  ///< `confidenceThreshold`, a percentage; the server refuses one outside 70..100
    std::optional<std::vector<ValidationIssueType>> issue_types;  ///< `issueTypes`, sent as the complete list
};

/// Encodes the request body of update_config(): only the members that are set.
void to_json(nlohmann::json& j, const UpdateValidationConfigInput& input);
/// Reads an UpdateValidationConfigInput from JSON in the JS SDK's spelling (camelCase members,
/// as to_json writes them), so a JS object literal ports as one `nlohmann::json`. A member of
/// the wrong type throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, UpdateValidationConfigInput& input);

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
    /// list_suggestions() with `options` at its default, so that the call's options need no
    /// placeholder: `list_suggestions(call)`, not `list_suggestions({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<ValidationSuggestion> list_suggestions(const Call& call) {
        return list_suggestions(ListSuggestionsOptions{}, call);
    }
    /// list_suggestions() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_suggestions_async(const ListSuggestionsOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }
    /// list_suggestions_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_suggestions_async(call)`, not `list_suggestions_async({}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_suggestions_async(const Call& call, Token&& token = {}) {
        return list_suggestions_async(ListSuggestionsOptions{}, call, std::forward<Token>(token));
    }
    /// Every matching suggestion, page by page as iteration needs them (see PageRange):
    /// list_suggestions() from options.page (or 1) in pages of options.page_size (or 100).
    /// Nothing is sent before the range's begin(). No `_async` twin: list_suggestions_async()
    /// is the page-at-a-time call without blocking.
    PageRange<ValidationSuggestion> list_suggestions_all(const ListSuggestionsOptions& options = {},
                                                         const CallOptions& call = {});
    /// list_suggestions_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_suggestions_all(call)`, not `list_suggestions_all({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<ValidationSuggestion> list_suggestions_all(const Call& call) {
        return list_suggestions_all(ListSuggestionsOptions{}, call);
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

    /// The AI validation configuration of the collection `record_slug`; NotFound when there is
    /// no such collection. An empty slug throws InvalidArgument before anything is sent.
    ValidationConfig get_config(std::string_view record_slug, const CallOptions& call = {});
    /// get_config() without blocking: the configuration, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_config_async(std::string_view record_slug, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_config_op(record_slug, call).launch(std::forward<Token>(token));
    }

    /// Changes the members of `input` that are set and returns the whole configuration as
    /// stored; BadRequest for a value the server refuses (a threshold outside 70..100, say). An
    /// empty slug, or an input with no member set, throws InvalidArgument before anything is sent. Sent as PUT, so it is retried
    /// like any idempotent call.
    ValidationConfig update_config(std::string_view record_slug, const UpdateValidationConfigInput& input,
                                   const CallOptions& call = {});
    /// update_config() without blocking: the configuration, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto update_config_async(std::string_view record_slug, const UpdateValidationConfigInput& input,
                             const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_config_op(record_slug, input, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<ValidationSuggestion>> list_op(const ListSuggestionsOptions& options, const CallOptions& call) const;
    detail::HttpOp<ValidationSuggestion> by_id(const detail::Route& route, std::string_view id, const CallOptions& call) const;
    detail::HttpOp<ValidationScan> scan_op(std::string_view record_slug, const CallOptions& call) const;
    detail::HttpOp<ValidationConfig> get_config_op(std::string_view record_slug, const CallOptions& call) const;
    detail::HttpOp<ValidationConfig> update_config_op(std::string_view record_slug, const UpdateValidationConfigInput& input,
                                                      const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/validation.ipp>
#endif
