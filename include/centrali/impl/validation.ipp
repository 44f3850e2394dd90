#pragma once

#include <centrali/validation.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, ValidationSuggestion& s) {
    s.id = detail::read_identity(j, "id", "a validation suggestion");
    const detail::TolerantReader read{j};
    read("recordSlug", s.record_slug);
    read("recordId", s.record_id);
    read("field", s.field);
    read("issueType", s.issue_type);
    read("status", s.status);
    read("currentValue", s.current_value);
    read("suggestedValue", s.suggested_value);
    read("confidence", s.confidence);
    read("reason", s.reason);
    read("createdAt", s.created_at);
    s.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, ValidationScan& s) {
    s.id = detail::read_identity(j, "id", "a validation scan", "jobId");
    detail::read_member_tolerant(j, "status", s.status);
    s.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, ValidationConfig& c) {
    c.record_slug = detail::read_identity(j, "recordSlug", "a validation configuration");
    const detail::TolerantReader read{j};
    read("enabled", c.enabled);
    read("mode", c.mode);
    read("confidenceThreshold", c.confidence_threshold);
    read("issueTypes", c.issue_types);
    read("updatedAt", c.updated_at);
    c.raw = j;
}

CENTRALI_DECL void to_json(nlohmann::json& j, const UpdateValidationConfigInput& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "enabled", input.enabled);
    detail::write_member(j, "mode", input.mode);
    detail::write_member(j, "confidenceThreshold", input.confidence_threshold);
    detail::write_member(j, "issueTypes", input.issue_types);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, UpdateValidationConfigInput& input) {
    detail::read_member(j, "enabled", input.enabled);
    detail::read_member(j, "mode", input.mode);
    detail::read_member(j, "confidenceThreshold", input.confidence_threshold);
    detail::read_member(j, "issueTypes", input.issue_types);
}

CENTRALI_DECL PageRange<ValidationSuggestion> ValidationManager::list_suggestions_all(const ListSuggestionsOptions& options,
                                                                                      const CallOptions& call) {
    return all_pages<ValidationSuggestion>(options, [self = *this, call](const ListSuggestionsOptions& page) {
        return self.list_op(page, call);
    });
}

CENTRALI_DECL Page<ValidationSuggestion> ValidationManager::list_suggestions(const ListSuggestionsOptions& options, const CallOptions& call) {
    return list_op(options, call).run();
}
CENTRALI_DECL ValidationSuggestion ValidationManager::get_suggestion(std::string_view id, const CallOptions& call) {
    return by_id(detail::routes::validation_suggestion, id, call).run();
}
CENTRALI_DECL ValidationSuggestion ValidationManager::accept(std::string_view id, const CallOptions& call) {
    return by_id(detail::routes::validation_accept, id, call).run();
}
CENTRALI_DECL ValidationSuggestion ValidationManager::reject(std::string_view id, const CallOptions& call) {
    return by_id(detail::routes::validation_reject, id, call).run();
}
CENTRALI_DECL ValidationScan ValidationManager::scan(std::string_view record_slug, const CallOptions& call) {
    return scan_op(record_slug, call).run();
}

CENTRALI_DECL ValidationConfig ValidationManager::get_config(std::string_view record_slug, const CallOptions& call) {
    return get_config_op(record_slug, call).run();
}
CENTRALI_DECL ValidationConfig ValidationManager::update_config(std::string_view record_slug,
                                                                const UpdateValidationConfigInput& input,
                                                                const CallOptions& call) {
    return update_config_op(record_slug, input, call).run();
}

CENTRALI_DECL detail::HttpOp<Page<ValidationSuggestion>> ValidationManager::list_op(const ListSuggestionsOptions& options,
                                                                                    const CallOptions& call) const {
    detail::Query query = paging(options.page, options.page_size);
    if (!options.record_slug.empty()) query.add("recordSlug", options.record_slug);
    if (options.status && !options.status->empty()) query.add("status", options.status->str());
    if (options.issue_type && !options.issue_type->empty()) query.add("issueType", options.issue_type->str());
    return page<ValidationSuggestion>(detail::routes::validation_suggestions, {}, query, "suggestions", call);
}
CENTRALI_DECL detail::HttpOp<ValidationSuggestion> ValidationManager::by_id(const detail::Route& route, std::string_view id,
                                                                            const CallOptions& call) const {
    return one<ValidationSuggestion>(route, {id}, {}, nullptr, "suggestion", call);
}
CENTRALI_DECL detail::HttpOp<ValidationScan> ValidationManager::scan_op(std::string_view record_slug,
                                                                        const CallOptions& call) const {
    if (record_slug.empty()) throw InvalidArgument("scan needs a collection slug");
    nlohmann::json body = nlohmann::json::object();
    body["recordSlug"] = record_slug;
    return one<ValidationScan>(detail::routes::validation_scan, {}, {}, &body, "validation scan", call);
}
CENTRALI_DECL detail::HttpOp<ValidationConfig> ValidationManager::get_config_op(std::string_view record_slug,
                                                                               const CallOptions& call) const {
    return one<ValidationConfig>(detail::routes::validation_config_get, {record_slug}, {}, nullptr,
                                 "validation configuration", call);
}
CENTRALI_DECL detail::HttpOp<ValidationConfig> ValidationManager::update_config_op(
    std::string_view record_slug, const UpdateValidationConfigInput& input, const CallOptions& call) const {
    const nlohmann::json body = input;
    // Whether the PUT keeps the settings it does not name is UNCONFIRMED: one naming none
    // could reset them all, and never means anything else.
    if (body.empty()) throw InvalidArgument("update_config: set at least one setting");
    return one<ValidationConfig>(detail::routes::validation_config_update, {record_slug}, {}, &body,
                                 "validation configuration", call);
}

CENTRALI_NAMESPACE_END
