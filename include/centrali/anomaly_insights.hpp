#pragma once
// client.anomaly_insights(): AI anomaly detection over a collection (outliers, spikes, missing
// data, broken references), on a schedule or on demand.

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

void from_json(const nlohmann::json& j, AnomalyInsight& i);

struct InsightSummary {
    long long total = 0;
    nlohmann::json by_severity;  ///< {severity: count}
    nlohmann::json by_type;      ///< {type: count}
    nlohmann::json raw;
};

void from_json(const nlohmann::json& j, InsightSummary& s);

struct ListInsightsOptions {
    std::string record_slug;
    std::optional<InsightSeverity> severity;
    std::optional<InsightStatus> status;
    std::string type;
    long long page = 0;
    long long limit = 0;
};

/// Every call has an `_async` twin (see async.hpp for its completion token).
class AnomalyInsightsManager : private detail::ManagerBase {
public:
    explicit AnomalyInsightsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    Page<AnomalyInsight> list(const ListInsightsOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_async(const ListInsightsOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }

    AnomalyInsight get(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::insights_get, id, call).launch(std::forward<Token>(token));
    }

    AnomalyInsight acknowledge(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto acknowledge_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::insights_acknowledge, id, call).launch(std::forward<Token>(token));
    }

    AnomalyInsight dismiss(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto dismiss_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::insights_dismiss, id, call).launch(std::forward<Token>(token));
    }

    /// Runs an analysis of one collection now; returns the insights it found.
    Page<AnomalyInsight> analyze(std::string_view record_slug, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto analyze_async(std::string_view record_slug, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->analyze_op(record_slug, call).launch(std::forward<Token>(token));
    }

    InsightSummary summary(std::string_view record_slug = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto summary_async(std::string_view record_slug = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->summary_op(record_slug, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<AnomalyInsight>> list_op(const ListInsightsOptions& options, const CallOptions& call) const;
    detail::HttpOp<AnomalyInsight> by_id(const detail::Route& route, std::string_view id, const CallOptions& call) const;
    detail::HttpOp<Page<AnomalyInsight>> analyze_op(std::string_view record_slug, const CallOptions& call) const;
    detail::HttpOp<InsightSummary> summary_op(std::string_view record_slug, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/anomaly_insights.ipp>
#endif
