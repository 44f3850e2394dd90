#pragma once
// An in-process emulator on 127.0.0.1 (ephemeral port) and Clients pointed at it.

#include <centrali/client.hpp>
#include <emulator.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>
#include <utility>

namespace centrali_test {

inline constexpr const char* kStaticToken = "emu-static-token-7f3a";
inline constexpr const char* kPublishableKey = "pk_live_emu_5c1d9e";
inline constexpr const char* kClientId = "ci_0123456789abcdef01234567";
inline constexpr const char* kClientSecret = "sk_emu_secret_9b8a7c6d5e4f";

/// Runs `call` on `n` threads at once and returns how many finished without a centrali::Error.
template <class Call>
int succeed_in_threads(int n, Call call) {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&] {
            try {
                call();
                ++ok;
            } catch (const centrali::Error&) {
            }
        });
    for (auto& t : threads) t.join();
    return ok;
}

struct LiveEmulator {
    centrali_emulator::Emulator server;

    explicit LiveEmulator(centrali_emulator::Options options = defaults()) : server(std::move(options)) {
        server.start();
    }

    static centrali_emulator::Options defaults() {
        centrali_emulator::Options options;
        options.static_token = kStaticToken;
        options.publishable_key = kPublishableKey;
        options.client_id = kClientId;
        options.client_secret = kClientSecret;
        return options;
    }

    /// Options with no credentials, pointed at this emulator; fast retries for tests.
    centrali::ClientOptions bare_options() const {
        centrali::ClientOptions options;
        options.base_url = server.base_url();
        options.workspace = "acme";
        options.retry.initial_delay = std::chrono::milliseconds(5);
        options.retry.max_delay = std::chrono::milliseconds(50);
        return options;
    }
    centrali::ClientOptions token_options() const {
        auto options = bare_options();
        options.token = kStaticToken;
        return options;
    }
    centrali::ClientOptions service_account_options() const {
        auto options = bare_options();
        options.client_id = kClientId;
        options.client_secret = kClientSecret;
        return options;
    }
    centrali::Client client() const { return centrali::Client(token_options()); }
};

}  // namespace centrali_test
