#pragma once
// client.anomaly_insights(): AI anomaly detection over a collection (outliers, spikes, missing
// data, broken references), on a schedule or on demand.

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

/// Wire spellings UNCONFIRMED (the docs show Critical / Warning / Info); unknown values are kept.
class InsightSeverity : public StringEnum<InsightSeverity> {
public:
    using StringEnum::StringEnum;
    static const InsightSeverity critical, warning, info;
};
inline const InsightSeverity InsightSeverity::critical{"critical"};
inline const InsightSeverity InsightSeverity::warning{"warning"};
inline const InsightSeverity InsightSeverity::info{"info"};

class InsightStatus : public StringEnum<InsightStatus> {
public:
    using StringEnum::StringEnum;
    static const InsightStatus open, acknowledged, dismissed;
};
inline const InsightStatus InsightStatus::open{"open"};
inline const InsightStatus InsightStatus::acknowledged{"acknowledged"};
inline const InsightStatus InsightStatus::dismissed{"dismissed"};

struct AnomalyInsight {
    std::string id;
    std::string record_slug;
    std::string type;  ///< e.g. statistical_outlier, volume_spike (spellings UNCONFIRMED)
    InsightSeverity severity;
    InsightStatus status;
    std::string title;
    std::string description;
    nlohmann::json details;
    std::string detected_at;
    nlohmann::json raw;
};

template <class T, detail::only<T, AnomalyInsight> = 0>
void from_json(const nlohmann::json& j, T& i) {
    detail::read_member(j, "id", i.id);
    detail::read_member(j, "recordSlug", i.record_slug);
    detail::read_member(j, "type", i.type);
    detail::read_member(j, "severity", i.severity);
    detail::read_member(j, "status", i.status);
    detail::read_member(j, "title", i.title);
    detail::read_member(j, "description", i.description);
    detail::read_member(j, "details", i.details);
    detail::read_member(j, "detectedAt", i.detected_at);
    i.raw = j;
}

struct InsightSummary {
    long long total = 0;
    nlohmann::json by_severity;  ///< {severity: count}
    nlohmann::json by_type;      ///< {type: count}
    nlohmann::json raw;
};

template <class T, detail::only<T, InsightSummary> = 0>
void from_json(const nlohmann::json& j, T& s) {
    detail::read_member(j, "total", s.total);
    detail::read_member(j, "bySeverity", s.by_severity);
    detail::read_member(j, "byType", s.by_type);
    s.raw = j;
}

struct ListInsightsOptions {
    std::string record_slug;
    std::optional<InsightSeverity> severity;
    std::optional<InsightStatus> status;
    std::string type;
    long long page = 0;
    long long limit = 0;
};

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it AnomalyInsightsManager.
template <class Unused = void>
class BasicAnomalyInsightsManager : private ManagerBase {
public:
    explicit BasicAnomalyInsightsManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    Page<AnomalyInsight> list(const ListInsightsOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).run(call);
    }
    std::future<Page<AnomalyInsight>> list_async(const ListInsightsOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).submit(call);
    }
    AnomalyInsight get(std::string_view id, const CallOptions& call = {}) { return by_id(detail::routes::insights_get, id).run(call); }
    std::future<AnomalyInsight> get_async(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::insights_get, id).submit(call);
    }
    AnomalyInsight acknowledge(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::insights_acknowledge, id).run(call);
    }
    std::future<AnomalyInsight> acknowledge_async(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::insights_acknowledge, id).submit(call);
    }
    AnomalyInsight dismiss(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::insights_dismiss, id).run(call);
    }
    std::future<AnomalyInsight> dismiss_async(std::string_view id, const CallOptions& call = {}) {
        return by_id(detail::routes::insights_dismiss, id).submit(call);
    }
    /// Runs an analysis of one collection now; returns the insights it found.
    Page<AnomalyInsight> analyze(std::string_view record_slug, const CallOptions& call = {}) {
        return analyze_op(record_slug).run(call);
    }
    std::future<Page<AnomalyInsight>> analyze_async(std::string_view record_slug, const CallOptions& call = {}) {
        return analyze_op(record_slug).submit(call);
    }
    InsightSummary summary(std::string_view record_slug = {}, const CallOptions& call = {}) {
        return summary_op(record_slug).run(call);
    }
    std::future<InsightSummary> summary_async(std::string_view record_slug = {}, const CallOptions& call = {}) {
        return summary_op(record_slug).submit(call);
    }

private:
    detail::Op<Page<AnomalyInsight>> list_op(const ListInsightsOptions& options) const {
        detail::Query query = paging(options.page, options.limit);
        if (!options.record_slug.empty()) query.add("recordSlug", options.record_slug);
        if (options.severity && !options.severity->empty()) query.add("severity", options.severity->str());
        if (options.status && !options.status->empty()) query.add("status", options.status->str());
        if (!options.type.empty()) query.add("type", options.type);
        return page<AnomalyInsight>(detail::routes::insights_list, {}, query, "insights");
    }
    detail::Op<AnomalyInsight> by_id(const detail::Route& route, std::string_view id) const {
        return one<AnomalyInsight>(route, {id}, {}, nullptr, "insight");
    }
    detail::Op<Page<AnomalyInsight>> analyze_op(std::string_view record_slug) const {
        const nlohmann::json body = {{"recordSlug", record_slug}};
        return page<AnomalyInsight>(detail::routes::insights_analyze, {}, {}, "insights", &body);
    }
    detail::Op<InsightSummary> summary_op(std::string_view record_slug) const {
        detail::Query query;
        if (!record_slug.empty()) query.add("recordSlug", std::string(record_slug));
        return one<InsightSummary>(detail::routes::insights_summary, {}, query, nullptr, "insight summary");
    }
};
}  // namespace detail

using AnomalyInsightsManager = detail::BasicAnomalyInsightsManager<>;

CENTRALI_NAMESPACE_END
