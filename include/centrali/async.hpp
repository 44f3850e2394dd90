#pragma once
// How an `_async` call reports its outcome. The core is callback-based; std::future and, in
// C++20, `co_await` are adapters over it, chosen by the call's last argument (a completion
// token, as in Asio):
//
//   auto future = client.records().get_async("orders", id);                       // std::future
//   client.records().get_async("orders", id, {}, {}, [](centrali::Result<centrali::Record> r) {
//       if (r) use(r.value()); else report(r.error());                            // a callback
//   });
//   auto reading = client.records().get_async("orders", id, {}, {}, centrali::use_awaitable);  // C++20
//   centrali::Record order = co_await std::move(reading);
//
// (The call and its co_await in two statements: g++ before 13 destroys the temporaries of a
// co_await full-expression twice, GCC bug 100611. Clang and newer g++ take them in one.)
//
// Callbacks and coroutine resumptions run on the Client's event loop thread: keep them short,
// and make further calls from there with `_async` (a blocking call from that thread throws
// InvalidArgument instead of stalling every other call).

#include <centrali/function.hpp>
#include <centrali/errors.hpp>

#include <exception>
#include <future>
#include <optional>
#include <type_traits>
#include <utility>

#if defined(__cpp_impl_coroutine) && __cpp_impl_coroutine >= 201902L && __has_include(<coroutine>)
#include <atomic>
#include <coroutine>
#define CENTRALI_HAS_COROUTINES 1
#else
#define CENTRALI_HAS_COROUTINES 0
#endif

CENTRALI_NAMESPACE_BEGIN

/// The outcome of an asynchronous call: its value, or the centrali::Error (as an
/// exception_ptr) it failed with.
template <class T>
class Result {
public:
    /// A success holding `value`.
    Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit, a value is a result
    /// A failure with `error`. A null `error` says nothing went wrong yet holds no value, so it
    /// is a failure too: InvalidArgument, instead of a success whose value() reads nothing.
    Result(std::exception_ptr error)  // NOLINT
        : error_(error ? std::move(error)
                       : std::make_exception_ptr(InvalidArgument("centrali: a Result made from a null exception_ptr"))) {}

    /// True for a success, false for a failure.
    bool has_value() const noexcept { return !error_; }
    /// has_value(): `if (result)` tests for a success.
    explicit operator bool() const noexcept { return has_value(); }
    /// The value; rethrows the error when there is none.
    T& value() & {
        if (error_) std::rethrow_exception(error_);
        return *value_;
    }
    /// The value; rethrows the error when there is none.
    const T& value() const& {
        if (error_) std::rethrow_exception(error_);
        return *value_;
    }
    /// The value, to move from (`std::move(result).value()`); rethrows the error when there is
    /// none.
    T&& value() && {
        if (error_) std::rethrow_exception(error_);
        return std::move(*value_);
    }
    /// The error; null for a success. Rethrow it (std::rethrow_exception) to catch it by type.
    const std::exception_ptr& error() const noexcept { return error_; }

private:
    std::optional<T> value_;
    std::exception_ptr error_;
};

/// The outcome of an asynchronous call that returns nothing: success, or the error it failed
/// with.
template <>
class Result<void> {
public:
    /// A success.
    Result() = default;
    /// A failure with `error`; a null `error` is a success.
    Result(std::exception_ptr error) : error_(std::move(error)) {}  // NOLINT

    /// True for a success, false for a failure.
    bool has_value() const noexcept { return !error_; }
    /// has_value(): `if (result)` tests for a success.
    explicit operator bool() const noexcept { return has_value(); }
    /// Returns for a success; rethrows the error for a failure.
    void value() const {
        if (error_) std::rethrow_exception(error_);
    }
    /// The error; null for a success. Rethrow it (std::rethrow_exception) to catch it by type.
    const std::exception_ptr& error() const noexcept { return error_; }

private:
    std::exception_ptr error_;
};

/// The default completion token: the call returns a std::future, whose get() returns the value
/// or throws the error. Its get() blocks: do not call it on the event loop's thread.
struct UseFuture {};
/// The UseFuture token, to pass explicitly (`get_async("orders", id, {}, {}, use_future)`).
inline constexpr UseFuture use_future{};

namespace detail {

/// Receives an asynchronous outcome, exactly once.
template <class T>
using Completion = MoveOnlyFunction<void(Result<T>)>;

/// Starts a prepared asynchronous call with the completion it will report to.
template <class T>
using Initiation = MoveOnlyFunction<void(Completion<T>)>;

template <class T>
void fulfil(std::promise<T>& promise, Result<T>&& result) {
    if (!result) return promise.set_exception(result.error());
    if constexpr (std::is_void_v<T>) promise.set_value();
    else promise.set_value(std::move(result).value());
}

/// What a completion token turns an initiation into. Specialised per token kind.
template <class Token, class T, class = void>
struct AsyncAdapter {
    static_assert(std::is_invocable_v<Token&, Result<T>>,
                  "a completion token is centrali::use_future, centrali::use_awaitable (C++20) or a callable "
                  "taking centrali::Result<T>");
};

template <class T>
struct AsyncAdapter<UseFuture, T> {
    static std::future<T> start(Initiation<T> initiation, UseFuture) {
        std::promise<T> promise;
        std::future<T> future = promise.get_future();
        initiation(Completion<T>([promise = std::move(promise)](Result<T> result) mutable {
            fulfil(promise, std::move(result));
        }));
        return future;
    }
};

template <class Callback, class T>
struct AsyncAdapter<Callback, T, std::enable_if_t<std::is_invocable_v<Callback&, Result<T>>>> {
    template <class F>
    static void start(Initiation<T> initiation, F&& callback) {
        initiation(Completion<T>(std::forward<F>(callback)));
    }
};

/// The one entry of every `_async` method: `initiation` has already checked the arguments
/// (so that errors in them are thrown by the call itself) and starts the call when invoked.
template <class T, class Token>
auto start_async(Token&& token, Initiation<T> initiation) {
    return AsyncAdapter<std::decay_t<Token>, T>::start(std::move(initiation), std::forward<Token>(token));
}

}  // namespace detail

#if CENTRALI_HAS_COROUTINES
/// The completion token for `co_await` (C++20): the call returns an Awaitable<T>.
struct UseAwaitable {};
/// The UseAwaitable token (`co_await` of `get_async("orders", id, {}, {}, use_awaitable)`).
inline constexpr UseAwaitable use_awaitable{};

/// Starts its call when awaited and resumes the awaiting coroutine with the value (or throws
/// the error) on the event loop's thread. Await it once.
template <class T>
class Awaitable {
public:
    /// Made by the `_async` calls given use_awaitable; holds the call, not yet started.
    explicit Awaitable(detail::Initiation<T> initiation) : initiation_(std::move(initiation)) {}
    /// Takes over the other's call (before it is awaited).
    Awaitable(Awaitable&&) noexcept = default;
    /// Takes over the other's call (before either is awaited).
    Awaitable& operator=(Awaitable&&) noexcept = default;

    /// Coroutine protocol: always false, the call starts in await_suspend().
    bool await_ready() const noexcept { return false; }
    /// Coroutine protocol: starts the call; `awaiting` is resumed on the event loop's thread
    /// when it completes (or not suspended at all when it completed already).
    bool await_suspend(std::coroutine_handle<> awaiting) {
        state_ = std::make_shared<State>();
        state_->awaiting = awaiting;
        initiation_(detail::Completion<T>([state = state_](Result<T> result) {
            state->result.emplace(std::move(result));
            // Whoever comes second resumes: the completion, or await_suspend when the call
            // completed before it returned (then it does not suspend at all).
            if (state->second.exchange(true, std::memory_order_acq_rel)) state->awaiting.resume();
        }));
        return !state_->second.exchange(true, std::memory_order_acq_rel);
    }
    /// Coroutine protocol: the value of the `co_await`, or the call's error thrown.
    T await_resume() {
        if constexpr (std::is_void_v<T>) std::move(*state_->result).value();
        else return std::move(*state_->result).value();
    }

private:
    struct State {
        std::coroutine_handle<> awaiting;
        std::optional<Result<T>> result;
        std::atomic<bool> second{false};
    };
    detail::Initiation<T> initiation_;
    std::shared_ptr<State> state_;
};

namespace detail {
template <class T>
struct AsyncAdapter<UseAwaitable, T> {
    static Awaitable<T> start(Initiation<T> initiation, UseAwaitable) { return Awaitable<T>(std::move(initiation)); }
};
}  // namespace detail
#endif

CENTRALI_NAMESPACE_END
