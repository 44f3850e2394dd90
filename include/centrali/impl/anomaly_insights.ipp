#pragma once

#include <centrali/anomaly_insights.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, AnomalyInsight& i) {
    i.id = detail::read_identity(j, "id", "an anomaly insight");
    const detail::TolerantReader read{j};
    read("recordSlug", i.record_slug);
    read("type", i.type);
    read("severity", i.severity);
    read("status", i.status);
    read("title", i.title);
    read("description", i.description);
    read("details", i.details);
    read("detectedAt", i.detected_at);
    i.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, InsightSummary& s) {
    detail::require_model_object(j, "an insight summary");
    const detail::TolerantReader read{j};
    read("total", s.total);
    read("bySeverity", s.by_severity);
    read("byType", s.by_type);
    s.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, InsightConfig& c) {
    c.record_slug = detail::read_identity(j, "recordSlug", "an anomaly insight configuration");
    const detail::TolerantReader read{j};
    read("schedule", c.schedule);
    read("sensitivity", c.sensitivity);
    read("updatedAt", c.updated_at);
    c.raw = j;
}

CENTRALI_DECL void to_json(nlohmann::json& j, const UpdateInsightConfigInput& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "schedule", input.schedule);
    detail::write_member(j, "sensitivity", input.sensitivity);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, UpdateInsightConfigInput& input) {
    detail::read_member(j, "schedule", input.schedule);
    detail::read_member(j, "sensitivity", input.sensitivity);
}

CENTRALI_DECL PageRange<AnomalyInsight> AnomalyInsightsManager::list_all(const ListInsightsOptions& options,
                                                                         const CallOptions& call) {
    return all_pages<AnomalyInsight>(options, [self = *this, call](const ListInsightsOptions& page) {
        return self.list_op(page, call);
    });
}

CENTRALI_DECL Page<AnomalyInsight> AnomalyInsightsManager::list(const ListInsightsOptions& options, const CallOptions& call) {
    return list_op(options, call).run();
}
CENTRALI_DECL AnomalyInsight AnomalyInsightsManager::get(std::string_view id, const CallOptions& call) {
    return by_id(detail::routes::insights_get, id, call).run();
}
CENTRALI_DECL AnomalyInsight AnomalyInsightsManager::acknowledge(std::string_view id, const CallOptions& call) {
    return by_id(detail::routes::insights_acknowledge, id, call).run();
}
CENTRALI_DECL AnomalyInsight AnomalyInsightsManager::dismiss(std::string_view id, const CallOptions& call) {
    return by_id(detail::routes::insights_dismiss, id, call).run();
}
CENTRALI_DECL Page<AnomalyInsight> AnomalyInsightsManager::analyze(std::string_view record_slug, const CallOptions& call) {
    return analyze_op(record_slug, call).run();
}
CENTRALI_DECL InsightSummary AnomalyInsightsManager::summary(std::string_view record_slug, const CallOptions& call) {
    return summary_op(record_slug, call).run();
}

CENTRALI_DECL InsightConfig AnomalyInsightsManager::get_config(std::string_view record_slug, const CallOptions& call) {
    return get_config_op(record_slug, call).run();
}
CENTRALI_DECL InsightConfig AnomalyInsightsManager::update_config(std::string_view record_slug,
                                                                  const UpdateInsightConfigInput& input,
                                                                  const CallOptions& call) {
    return update_config_op(record_slug, input, call).run();
}

CENTRALI_DECL detail::HttpOp<Page<AnomalyInsight>> AnomalyInsightsManager::list_op(const ListInsightsOptions& options,
                                                                                   const CallOptions& call) const {
    detail::Query query = paging(options.page, options.page_size);
    if (!options.record_slug.empty()) query.add("recordSlug", options.record_slug);
    if (options.severity && !options.severity->empty()) query.add("severity", options.severity->str());
    if (options.status && !options.status->empty()) query.add("status", options.status->str());
    if (!options.type.empty()) query.add("type", options.type);
    return page<AnomalyInsight>(detail::routes::insights_list, {}, query, "insights", call);
}
CENTRALI_DECL detail::HttpOp<AnomalyInsight> AnomalyInsightsManager::by_id(const detail::Route& route, std::string_view id,
                                                                           const CallOptions& call) const {
    return one<AnomalyInsight>(route, {id}, {}, nullptr, "insight", call);
}
CENTRALI_DECL detail::HttpOp<Page<AnomalyInsight>> AnomalyInsightsManager::analyze_op(std::string_view record_slug,
                                                                                      const CallOptions& call) const {
    if (record_slug.empty()) throw InvalidArgument("analyze needs a collection slug");
    nlohmann::json body = nlohmann::json::object();
    body["recordSlug"] = record_slug;
    return page<AnomalyInsight>(detail::routes::insights_analyze, {}, {}, "insights", call, &body);
}
CENTRALI_DECL detail::HttpOp<InsightSummary> AnomalyInsightsManager::summary_op(std::string_view record_slug,
                                                                                const CallOptions& call) const {
    detail::Query query;
    if (!record_slug.empty()) query.add("recordSlug", std::string(record_slug));
    return one<InsightSummary>(detail::routes::insights_summary, {}, query, nullptr, "insight summary", call);
}
CENTRALI_DECL detail::HttpOp<InsightConfig> AnomalyInsightsManager::get_config_op(std::string_view record_slug,
                                                                                 const CallOptions& call) const {
    return one<InsightConfig>(detail::routes::insights_config_get, {record_slug}, {}, nullptr,
                              "anomaly insight configuration", call);
}
CENTRALI_DECL detail::HttpOp<InsightConfig> AnomalyInsightsManager::update_config_op(
    std::string_view record_slug, const UpdateInsightConfigInput& input, const CallOptions& call) const {
    const nlohmann::json body = input;
    // As validation's: a PUT naming no setting is refused (what it would do is UNCONFIRMED).
    if (body.empty()) throw InvalidArgument("update_config: set at least one setting");
    return one<InsightConfig>(detail::routes::insights_config_update, {record_slug}, {}, &body,
                              "anomaly insight configuration", call);
}

CENTRALI_NAMESPACE_END
