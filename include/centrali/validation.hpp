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

void from_json(const nlohmann::json& j, ValidationSuggestion& s);

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

void from_json(const nlohmann::json& j, ValidationScan& s);

/// Every call has an `_async` twin (see async.hpp for its completion token).
class ValidationManager : private detail::ManagerBase {
public:
    explicit ValidationManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    Page<ValidationSuggestion> list_suggestions(const ListSuggestionsOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_suggestions_async(const ListSuggestionsOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }

    ValidationSuggestion get_suggestion(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_suggestion_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::validation_suggestion, id, call).launch(std::forward<Token>(token));
    }

    /// Applies the suggested value to the record.
    ValidationSuggestion accept(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto accept_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::validation_accept, id, call).launch(std::forward<Token>(token));
    }

    ValidationSuggestion reject(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto reject_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::validation_reject, id, call).launch(std::forward<Token>(token));
    }

    /// Starts a batch scan of a collection's existing records.
    ValidationScan scan(std::string_view record_slug, const CallOptions& call = {});
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
