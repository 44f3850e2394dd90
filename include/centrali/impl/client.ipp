#pragma once

#include <centrali/client.hpp>

#include <mutex>

CENTRALI_NAMESPACE_BEGIN

namespace detail {
/// A manager built on first use, exactly once even when threads race for it.
template <class Manager>
class Lazy {
public:
    Manager& get(const std::shared_ptr<Core>& core) {
        std::call_once(once_, [&] { manager_ = std::make_unique<Manager>(core); });
        return *manager_;
    }

private:
    std::once_flag once_;
    std::unique_ptr<Manager> manager_;
};
}  // namespace detail

struct Client::Managers {
    detail::Lazy<RecordsManager> records;
    detail::Lazy<FunctionsManager> functions;
    detail::Lazy<TriggersManager> triggers;
    detail::Lazy<RunsManager> runs;
    detail::Lazy<OrchestrationsManager> orchestrations;
    detail::Lazy<RealtimeManager> realtime;
    detail::Lazy<CollectionsManager> collections;
    detail::Lazy<StructuresManager> structures;
    detail::Lazy<SmartQueriesManager> smart_queries;
    detail::Lazy<ValidationManager> validation;
    detail::Lazy<AnomalyInsightsManager> anomaly_insights;
    detail::Lazy<AllowedDomainsManager> allowed_domains;
    detail::Lazy<SearchManager> search;
    detail::Lazy<FilesManager> files;
};

CENTRALI_DECL Client::Client(ClientOptions options)
    : core_(std::make_shared<detail::Core>(std::move(options))), managers_(std::make_unique<Managers>()) {}

CENTRALI_DECL Client::Client(Client&&) noexcept = default;

CENTRALI_DECL Client& Client::operator=(Client&& other) noexcept {
    if (this != &other) {
        if (core_) core_->shutdown();
        core_ = std::move(other.core_);
        managers_ = std::move(other.managers_);
    }
    return *this;
}

CENTRALI_DECL Client::~Client() {
    if (core_) core_->shutdown();
}

CENTRALI_DECL RecordsManager& Client::records() { return managers_->records.get(core_); }
CENTRALI_DECL FunctionsManager& Client::functions() { return managers_->functions.get(core_); }
CENTRALI_DECL TriggersManager& Client::triggers() { return managers_->triggers.get(core_); }
CENTRALI_DECL RunsManager& Client::runs() { return managers_->runs.get(core_); }
CENTRALI_DECL OrchestrationsManager& Client::orchestrations() { return managers_->orchestrations.get(core_); }
CENTRALI_DECL RealtimeManager& Client::realtime() { return managers_->realtime.get(core_); }
CENTRALI_DECL CollectionsManager& Client::collections() { return managers_->collections.get(core_); }
CENTRALI_DECL StructuresManager& Client::structures() { return managers_->structures.get(core_); }
CENTRALI_DECL SmartQueriesManager& Client::smart_queries() { return managers_->smart_queries.get(core_); }
CENTRALI_DECL ValidationManager& Client::validation() { return managers_->validation.get(core_); }
CENTRALI_DECL AnomalyInsightsManager& Client::anomaly_insights() { return managers_->anomaly_insights.get(core_); }
CENTRALI_DECL AllowedDomainsManager& Client::allowed_domains() { return managers_->allowed_domains.get(core_); }
CENTRALI_DECL SearchManager& Client::search() { return managers_->search.get(core_); }
CENTRALI_DECL FilesManager& Client::files() { return managers_->files.get(core_); }

CENTRALI_DECL void Client::set_token(std::string token) { core_->auth().set_token(std::move(token)); }
CENTRALI_DECL std::optional<std::string> Client::token() const { return core_->auth().token(); }

CENTRALI_DECL std::string Client::fetch_service_account_token(const CallOptions& call) { return token_op(call).run(); }

CENTRALI_DECL detail::Op<std::string> Client::token_op(const CallOptions& call) const {
    // The Op holds the Core alive for as long as it can start, so the reference is safe.
    detail::Core& core = *core_;
    return detail::Op<std::string>(core_, call.cancel,
                                   [&core, call](const std::shared_ptr<detail::Executor>& ex,
                                                 detail::Completion<std::string> done) {
                                       std::optional<detail::Executor::Clock::time_point> deadline;
                                       if (const auto limit = call.timeout ? call.timeout : core.options().call_timeout)
                                           deadline = ex->now() + *limit;
                                       core.auth().refresh(ex, deadline, call.cancel, std::move(done));
                                   });
}

CENTRALI_DECL const ClientOptions& Client::options() const noexcept { return core_->options(); }

CENTRALI_NAMESPACE_END
