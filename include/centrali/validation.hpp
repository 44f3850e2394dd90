#pragma once
// client.validation(): AI data validation. Centrali flags format, typo, duplicate and semantic
// issues in records and suggests fixes, which you accept or reject.

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

/// Wire spellings of issue types and statuses are UNCONFIRMED; unknown values are kept.
class ValidationIssueType : public StringEnum<ValidationIssueType> {
public:
    using StringEnum::StringEnum;
    static const ValidationIssueType format, typo, duplicate, semantic;
};
inline const ValidationIssueType ValidationIssueType::format{"format"};
inline const ValidationIssueType ValidationIssueType::typo{"typo"};
inline const ValidationIssueType ValidationIssueType::duplicate{"duplicate"};
inline const ValidationIssueType ValidationIssueType::semantic{"semantic"};

class SuggestionStatus : public StringEnum<SuggestionStatus> {
public:
    using StringEnum::StringEnum;
    static const SuggestionStatus pending, accepted, rejected;
};
inline const SuggestionStatus SuggestionStatus::pending{"pending"};
inline const SuggestionStatus SuggestionStatus::accepted{"accepted"};
inline const SuggestionStatus SuggestionStatus::rejected{"rejected"};

struct ValidationSuggestion {
    std::string id;
    std::string record_slug;
    std::string record_id;
    std::string field;
    ValidationIssueType issue_type;
    SuggestionStatus status;
    nlohmann::json current_value;
    nlohmann::json suggested_value;
    std::optional<double> confidence;  ///< 0..1
    std::string reason;
    std::string created_at;
    nlohmann::json raw;
};

template <class T, detail::only<T, ValidationSuggestion> = 0>
void from_json(const nlohmann::json& j, T& s) {
    detail::read_member(j, "id", s.id);
    detail::read_member(j, "recordSlug", s.record_slug);
    detail::read_member(j, "recordId", s.record_id);
    detail::read_member(j, "field", s.field);
    detail::read_member(j, "issueType", s.issue_type);
    detail::read_member(j, "status", s.status);
    detail::read_member(j, "currentValue", s.current_value);
    detail::read_member(j, "suggestedValue", s.suggested_value);
    detail::read_member(j, "confidence", s.confidence);
    detail::read_member(j, "reason", s.reason);
    detail::read_member(j, "createdAt", s.created_at);
    s.raw = j;
}

struct ListSuggestionsOptions {
    std::string record_slug;
    std::optional<SuggestionStatus> status;
    std::optional<ValidationIssueType> issue_type;
    long long page = 0;
    long long limit = 0;
};

/// A started batch scan of a collection's existing records.
struct ValidationScan {
    std::string id;
    std::string status;
    nlohmann::json raw;
};

template <class T, detail::only<T, ValidationScan> = 0>
void from_json(const nlohmann::json& j, T& s) {
    detail::read_member(j, "id", s.id);
    if (s.id.empty()) detail::read_member(j, "jobId", s.id);
    detail::read_member(j, "status", s.status);
    s.raw = j;
}

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it ValidationManager.
template <class Unused = void>
class BasicValidationManager : private ManagerBase {
public:
    explicit BasicValidationManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    Page<ValidationSuggestion> list_suggestions(const ListSuggestionsOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).run(call);
    }
    std::future<Page<ValidationSuggestion>> list_suggestions_async(const ListSuggestionsOptions& options = {},
                                                                   const CallOptions& call = {}) {
        return list_op(options).submit(call);
    }
    ValidationSuggestion get_suggestion(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::validation_suggestion, id).run(call);
    }
    std::future<ValidationSuggestion> get_suggestion_async(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::validation_suggestion, id).submit(call);
    }
    /// Applies the suggested value to the record.
    ValidationSuggestion accept(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::validation_accept, id).run(call);
    }
    std::future<ValidationSuggestion> accept_async(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::validation_accept, id).submit(call);
    }
    ValidationSuggestion reject(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::validation_reject, id).run(call);
    }
    std::future<ValidationSuggestion> reject_async(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::validation_reject, id).submit(call);
    }
    /// Starts a batch scan of a collection's existing records.
    ValidationScan scan(std::string_view record_slug, const CallOptions& call = {}) { return scan_op(record_slug).run(call); }
    std::future<ValidationScan> scan_async(std::string_view record_slug, const CallOptions& call = {}) {
        return scan_op(record_slug).submit(call);
    }

private:
    detail::Op<Page<ValidationSuggestion>> list_op(const ListSuggestionsOptions& options) const {
        detail::Query query = paging(options.page, options.limit);
        if (!options.record_slug.empty()) query.add("recordSlug", options.record_slug);
        if (options.status && !options.status->empty()) query.add("status", options.status->str());
        if (options.issue_type && !options.issue_type->empty()) query.add("issueType", options.issue_type->str());
        return page<ValidationSuggestion>(detail::routes::validation_suggestions, {}, query, "suggestions");
    }
    detail::Op<ValidationSuggestion> by_id(const detail::Route& route, std::string_view id) const {
        return one<ValidationSuggestion>(route, {id}, {}, nullptr, "suggestion");
    }
    detail::Op<ValidationScan> scan_op(std::string_view record_slug) const {
        const nlohmann::json body = {{"recordSlug", record_slug}};
        return one<ValidationScan>(detail::routes::validation_scan, {}, {}, &body, "validation scan");
    }
};
}  // namespace detail

using ValidationManager = detail::BasicValidationManager<>;

CENTRALI_NAMESPACE_END
