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

/// How serious an anomaly is. Wire spellings UNCONFIRMED (the docs show Critical / Warning /
/// Info); unknown values are kept.
class InsightSeverity : public StringEnum<InsightSeverity> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const InsightSeverity critical, warning, info;
};
inline const InsightSeverity InsightSeverity::critical{"critical"};  ///< `critical`: the most serious
inline const InsightSeverity InsightSeverity::warning{"warning"};    ///< `warning`: less serious than critical
inline const InsightSeverity InsightSeverity::info{"info"};          ///< `info`: for information only

/// Where an insight is in its review: open until acknowledged or dismissed. Wire spellings
/// UNCONFIRMED; unknown values are kept.
class InsightStatus : public StringEnum<InsightStatus> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const InsightStatus open, acknowledged, dismissed;
};
inline const InsightStatus InsightStatus::open{"open"};                  ///< `open`: not reviewed yet
inline const InsightStatus InsightStatus::acknowledged{"acknowledged"};  ///< `acknowledged`: seen, see AnomalyInsightsManager::acknowledge()
inline const InsightStatus InsightStatus::dismissed{"dismissed"};        ///< `dismissed`: set aside, see AnomalyInsightsManager::dismiss()

/// One anomaly found in a collection's records. Members the server did not send stay empty.
struct AnomalyInsight {
    std::string id;  ///< the insight's id; get(), acknowledge() and dismiss() take it
    std::string record_slug;  ///< `recordSlug`: the collection it was found in
    std::string type;  ///< e.g. statistical_outlier, volume_spike (spellings UNCONFIRMED)
    InsightSeverity severity;  ///< `severity`
    InsightStatus status;  ///< `status`
    std::string title;  ///< a short human-readable summary
    std::string description;  ///< the human-readable explanation
    nlohmann::json details;  ///< `details`, as the server sent them (depend on the type); null when absent
    std::string detected_at;  ///< `detectedAt`, as the server sent it
    nlohmann::json raw;  ///< the whole object as received, for the members this SDK does not model
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes an insight; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, AnomalyInsight& i);

/// Counts of insights, for a collection or the whole workspace (see summary()).
struct InsightSummary {
    long long total = 0;  ///< `total`: the number of insights; 0 when not sent
    nlohmann::json by_severity;  ///< {severity: count}
    nlohmann::json by_type;      ///< {type: count}
    nlohmann::json raw;  ///< the whole answer as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes a summary; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, InsightSummary& s);

/// Filters and paging for AnomalyInsightsManager::list(). Like the JS SDK, empty or unset
/// filters and zero page/limit are not sent (the server's defaults apply).
struct ListInsightsOptions {
    std::string record_slug;  ///< `recordSlug`: only this collection's insights
    std::optional<InsightSeverity> severity;  ///< `severity`: only insights of this severity
    std::optional<InsightStatus> status;  ///< `status`: only insights in this state
    std::string type;  ///< `type`: only insights of this type (see AnomalyInsight::type)
    std::optional<long long> page;       ///< the page number, from 1 (sent as `page`); unset: not sent
    std::optional<long long> page_size;  ///< items per page (sent as `limit`); unset: not sent
};

/// How often a collection is analysed for anomalies. Wire spellings UNCONFIRMED (the docs show
/// Hourly, Daily, Weekly, and manual runs, see AnomalyInsightsManager::analyze()); unknown
/// values are kept.
class InsightSchedule : public StringEnum<InsightSchedule> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const InsightSchedule hourly, daily, weekly, on_demand;
};
inline const InsightSchedule InsightSchedule::hourly{"hourly"};        ///< `hourly`: for busy collections
inline const InsightSchedule InsightSchedule::daily{"daily"};          ///< `daily`: the docs' recommendation for most
inline const InsightSchedule InsightSchedule::weekly{"weekly"};        ///< `weekly`: for quiet collections
inline const InsightSchedule InsightSchedule::on_demand{"on-demand"};  ///< `on-demand`: only when analyze() is called

/// How readily an analysis reports an anomaly: low reports only significant ones, high the
/// smallest deviations too. Wire spellings UNCONFIRMED; unknown values are kept.
class InsightSensitivity : public StringEnum<InsightSensitivity> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const InsightSensitivity low, medium, high;
};
inline const InsightSensitivity InsightSensitivity::low{"low"};        ///< `low`: only significant anomalies
inline const InsightSensitivity InsightSensitivity::medium{"medium"};  ///< `medium`: between low and high
inline const InsightSensitivity InsightSensitivity::high{"high"};      ///< `high`: small deviations too

/// How anomaly detection runs on one collection, as the server stores it. Members the server
/// did not send stay empty; every member name is UNCONFIRMED.
struct InsightConfig {
    std::string record_slug;  ///< `recordSlug`: the collection; always present (a DecodeError without it)
    InsightSchedule schedule;  ///< `schedule`
    InsightSensitivity sensitivity;  ///< `sensitivity`
    std::string updated_at;  ///< `updatedAt`, as the server sent it
    nlohmann::json raw;  ///< the whole object as received, for the members this SDK does not model
};

/// Decodes a configuration: `recordSlug` must be a string, any other member of an unexpected
/// type keeps its default (and stays in `raw`).
void from_json(const nlohmann::json& j, InsightConfig& c);

/// The changes of AnomalyInsightsManager::update_config(): only the members that are set are
/// sent; the server keeps the others.
struct UpdateInsightConfigInput {
    std::optional<InsightSchedule> schedule;  ///< `schedule`
    std::optional<InsightSensitivity> sensitivity;  ///< `sensitivity`
};

/// Encodes the request body of update_config(): only the members that are set.
void to_json(nlohmann::json& j, const UpdateInsightConfigInput& input);
/// Reads an UpdateInsightConfigInput from JSON in the JS SDK's spelling (camelCase members, as
/// to_json writes them), so a JS object literal ports as one `nlohmann::json`. A member of the
/// wrong type throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, UpdateInsightConfigInput& input);

/// Every call has an `_async` twin (see async.hpp for its completion token). Every route is
/// UNCONFIRMED.
///
/// Every call throws a centrali::Error: an ApiError by status for a non-2xx answer (NotFound,
/// …), TransportError, DecodeError or Cancelled; InvalidArgument for an empty id, which the
/// `_async` twins throw themselves instead of reporting it through the token.
class AnomalyInsightsManager : private detail::ManagerBase {
public:
    /// Made by the Client (Client::anomaly_insights()); not for direct use.
    explicit AnomalyInsightsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// One page of the insights that match `options`.
    Page<AnomalyInsight> list(const ListInsightsOptions& options = {}, const CallOptions& call = {});
    /// list() with `options` at its default, so that the call's options need no
    /// placeholder: `list(call)`, not `list({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<AnomalyInsight> list(const Call& call) {
        return list(ListInsightsOptions{}, call);
    }
    /// list() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_async(const ListInsightsOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }
    /// list_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_async(call)`, not `list_async({}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_async(const Call& call, Token&& token = {}) {
        return list_async(ListInsightsOptions{}, call, std::forward<Token>(token));
    }
    /// Every matching insight, page by page as iteration needs them (see PageRange): list()
    /// from options.page (or 1) in pages of options.page_size (or 100). Nothing is sent before
    /// the range's begin(). No `_async` twin: list_async() is the page-at-a-time call without
    /// blocking.
    PageRange<AnomalyInsight> list_all(const ListInsightsOptions& options = {}, const CallOptions& call = {});
    /// list_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_all(call)`, not `list_all({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<AnomalyInsight> list_all(const Call& call) {
        return list_all(ListInsightsOptions{}, call);
    }

    /// The insight with this id; NotFound when there is none.
    AnomalyInsight get(std::string_view id, const CallOptions& call = {});
    /// get() without blocking: the insight, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::insights_get, id, call).launch(std::forward<Token>(token));
    }

    /// Marks the insight acknowledged; returns it as the server answered.
    AnomalyInsight acknowledge(std::string_view id, const CallOptions& call = {});
    /// acknowledge() without blocking: the insight, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto acknowledge_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::insights_acknowledge, id, call).launch(std::forward<Token>(token));
    }

    /// Marks the insight dismissed; returns it as the server answered.
    AnomalyInsight dismiss(std::string_view id, const CallOptions& call = {});
    /// dismiss() without blocking: the insight, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto dismiss_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by_id(detail::routes::insights_dismiss, id, call).launch(std::forward<Token>(token));
    }

    /// Runs an analysis of one collection now; returns the insights it found. An empty slug
    /// throws InvalidArgument before anything is sent.
    Page<AnomalyInsight> analyze(std::string_view record_slug, const CallOptions& call = {});
    /// analyze() without blocking: the insights found, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto analyze_async(std::string_view record_slug, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->analyze_op(record_slug, call).launch(std::forward<Token>(token));
    }

    /// Counts of insights for the collection `record_slug`, or, when it is empty, for the whole
    /// workspace.
    InsightSummary summary(std::string_view record_slug = {}, const CallOptions& call = {});
    /// summary() with `record_slug` at its default, so that the call's options need no
    /// placeholder: `summary(call)`, not `summary({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    InsightSummary summary(const Call& call) {
        return summary(std::string_view{}, call);
    }
    /// summary() without blocking: the summary, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto summary_async(std::string_view record_slug = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->summary_op(record_slug, call).launch(std::forward<Token>(token));
    }
    /// summary_async() with `record_slug` at its default, so that the call's options need no
    /// placeholder: `summary_async(call)`, not `summary_async({}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto summary_async(const Call& call, Token&& token = {}) {
        return summary_async(std::string_view{}, call, std::forward<Token>(token));
    }

    /// The anomaly detection configuration of the collection `record_slug`; NotFound when there
    /// is no such collection. An empty slug throws InvalidArgument before anything is sent.
    InsightConfig get_config(std::string_view record_slug, const CallOptions& call = {});
    /// get_config() without blocking: the configuration, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_config_async(std::string_view record_slug, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->get_config_op(record_slug, call).launch(std::forward<Token>(token));
    }

    /// Changes the members of `input` that are set and returns the whole configuration as
    /// stored; BadRequest for a value the server refuses. An empty slug, or an input with no
    /// member set, throws InvalidArgument before anything is sent. Sent as PUT, so it is retried like any idempotent call.
    InsightConfig update_config(std::string_view record_slug, const UpdateInsightConfigInput& input,
                                const CallOptions& call = {});
    /// update_config() without blocking: the configuration, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto update_config_async(std::string_view record_slug, const UpdateInsightConfigInput& input,
                             const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_config_op(record_slug, input, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<AnomalyInsight>> list_op(const ListInsightsOptions& options, const CallOptions& call) const;
    detail::HttpOp<AnomalyInsight> by_id(const detail::Route& route, std::string_view id, const CallOptions& call) const;
    detail::HttpOp<Page<AnomalyInsight>> analyze_op(std::string_view record_slug, const CallOptions& call) const;
    detail::HttpOp<InsightSummary> summary_op(std::string_view record_slug, const CallOptions& call) const;
    detail::HttpOp<InsightConfig> get_config_op(std::string_view record_slug, const CallOptions& call) const;
    detail::HttpOp<InsightConfig> update_config_op(std::string_view record_slug, const UpdateInsightConfigInput& input,
                                                   const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/anomaly_insights.ipp>
#endif
