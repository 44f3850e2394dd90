#pragma once

#include <centrali/options.hpp>

#include <cstdlib>

CENTRALI_NAMESPACE_BEGIN

namespace detail {

CENTRALI_DECL void CancelState::cancel() {
    if (flag_.exchange(true, std::memory_order_acq_rel)) return;
    std::vector<std::pair<std::uint64_t, MoveOnlyFunction<void()>>> wakes;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        wakes.swap(wakes_);
    }
    for (auto& wake : wakes) wake.second();
}

CENTRALI_DECL std::uint64_t CancelState::subscribe(MoveOnlyFunction<void()> wake) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!cancelled()) {
            wakes_.emplace_back(++next_id_, std::move(wake));
            return next_id_;
        }
    }
    wake();
    return 0;
}

CENTRALI_DECL void CancelState::unsubscribe(std::uint64_t id) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = wakes_.begin(); it != wakes_.end(); ++it) {
        if (it->first == id) {
            wakes_.erase(it);
            return;
        }
    }
}

}  // namespace detail

CENTRALI_DECL ClientOptions ClientOptions::from_env() {
    ClientOptions options;
    auto read = [](const char* name, std::string& target) {
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0') target = value;
    };
    read("CENTRALI_URL", options.base_url);
    read("CENTRALI_WORKSPACE_ID", options.workspace);  // the name the JS SDK's README gives service accounts
    read("CENTRALI_WORKSPACE", options.workspace);     // wins when both are set
    read("CENTRALI_CLIENT_ID", options.client_id);
    read("CENTRALI_CLIENT_SECRET", options.client_secret);
    read("CENTRALI_TOKEN", options.token);
    read("CENTRALI_PUBLISHABLE_KEY", options.publishable_key);
    return options;
}

CENTRALI_NAMESPACE_END
