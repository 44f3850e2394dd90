#pragma once
// What every manager needs, once: a call described as an Op, run blocking or launched on the
// event loop, decoded by a shared shape (one object, a list, a page, nothing), and the one wait
// (a poll loop) that runs, polls and finishes the same way on both.

#include <centrali/async.hpp>
#include <centrali/detail/core.hpp>
#include <centrali/detail/event_loop.hpp>
#include <centrali/detail/executor.hpp>
#include <centrali/detail/json.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// `object`, as an expression that depends on Token: an `_async` method's body then names its
/// Op<T> only when it is instantiated, so that a translation unit that never calls it never
/// instantiates Op<T> for it either (a non-dependent expression would, at its definition).
template <class Token, class T>
T* deferred(T* object) noexcept {
    return object;
}

/// A call described once, ready to run on any executor: run() blocks the calling thread,
/// launch() starts it on the Client's event loop and reports through a completion token,
/// start() runs it as one step of a larger operation. The general form (waits, steps in a
/// row); a single HTTP exchange is an HttpOp.
template <class T>
class Op {
public:
    using Start = MoveOnlyFunction<void(const std::shared_ptr<Executor>&, Completion<T>)>;

    Op(std::shared_ptr<Core> core, CancelToken cancel, Start start)
        : core_(std::move(core)), cancel_(std::move(cancel)), start_(std::move(start)) {}

    T run() && {
        std::optional<Result<T>> outcome;
        core_->run_blocking(
            cancel_,
            [this, &outcome](const std::shared_ptr<Executor>& ex) {
                start_(ex, [&outcome](Result<T> result) { outcome.emplace(std::move(result)); });
            },
            [&outcome] { return outcome.has_value(); });
        if constexpr (std::is_void_v<T>) outcome->value();
        else return std::move(*outcome).value();
    }

    template <class Token>
    auto launch(Token&& token) && {
        return start_async<T>(std::forward<Token>(token),
                              [core = std::move(core_), start = std::move(start_)](Completion<T> done) mutable {
                                  Core& owner = *core;
                                  owner.launch([core = std::move(core), start = std::move(start),
                                                done = std::move(done)](bool cancelled) mutable {
                                      if (cancelled) return done(std::make_exception_ptr(Cancelled()));
                                      start(core->loop(), std::move(done));
                                  });
                              });
    }

    void start(const std::shared_ptr<Executor>& ex, Completion<T> done) && { start_(ex, std::move(done)); }

private:
    std::shared_ptr<Core> core_;
    CancelToken cancel_;
    Start start_;
};

/// Calls `produce` and delivers its value, or what it threw, to `done`: `done` runs outside
/// the try, so that a callback that throws is never called twice.
template <class T, class F>
void deliver(Completion<T>& done, F&& produce) {
    std::optional<Result<T>> outcome;
    try {
        if constexpr (std::is_void_v<T>) {
            produce();
            outcome.emplace();
        } else {
            outcome.emplace(produce());
        }
    } catch (...) {
        outcome.emplace(std::current_exception());
    }
    done(std::move(*outcome));
}

/// How a 2xx response becomes a T: a plain function, so that an HttpOp<T> costs the compiler
/// one such function per shape and type, and nothing else per call.
template <class T>
using DecodeFn = T (*)(const Core&, HttpResponse&, const Call&, const char* what);

/// One HTTP exchange whose 2xx response `decode` turns into a T. run() takes Core::perform,
/// which is no template; launch() and start() (instantiated only where an `_async` call or a
/// longer operation uses them) make it the general Op first.
template <class T>
class HttpOp {
public:
    HttpOp(std::shared_ptr<Core> core, Call call, CallOptions options, DecodeFn<T> decode, const char* what)
        : core_(std::move(core)), call_(std::move(call)), options_(std::move(options)), decode_(decode), what_(what) {}

    T run() && {
        Core& core = *core_;
        if constexpr (std::is_void_v<T>) {
            core.perform(std::move(call_), std::move(options_), [&](HttpResponse& response, const Call& sent) {
                decode_(core, response, sent, what_);
            });
        } else {
            std::optional<T> value;
            core.perform(std::move(call_), std::move(options_), [&](HttpResponse& response, const Call& sent) {
                value.emplace(decode_(core, response, sent, what_));
            });
            return std::move(*value);
        }
    }

    template <class Token>
    auto launch(Token&& token) && {
        return std::move(*this).op().launch(std::forward<Token>(token));
    }

    void start(const std::shared_ptr<Executor>& ex, Completion<T> done) && {
        std::move(*this).op().start(ex, std::move(done));
    }

private:
    Op<T> op() && {
        CancelToken cancel = options_.cancel;
        return Op<T>(core_, std::move(cancel),
                     [core = core_.get(), call = std::move(call_), options = std::move(options_), decode = decode_,
                      what = what_](const std::shared_ptr<Executor>& ex, Completion<T> done) mutable {
                         core->exchange(ex, std::move(call), std::move(options),
                                        [core, decode, what, done = std::move(done)](Result<HttpResponse> result,
                                                                                     const Call& sent) mutable {
                                            if (!result) return done(result.error());
                                            HttpResponse& response = result.value();
                                            deliver<T>(done, [&] {
                                                return core->decode(response, sent,
                                                                    [&] { return decode(*core, response, sent, what); });
                                            });
                                        });
                     });
    }

    std::shared_ptr<Core> core_;
    Call call_;
    CallOptions options_;
    DecodeFn<T> decode_;
    const char* what_;
};

/// The response shapes, one decoder each.
template <class T>
T as_object(const Core& core, HttpResponse& response, const Call& call, const char* what) {
    nlohmann::json body = core.parse_json(response, call);
    return Decoder<T>::decode(std::move(unwrap_object(body, what)), what);
}
template <class T>
std::vector<T> as_list(const Core& core, HttpResponse& response, const Call& call, const char* what) {
    nlohmann::json body = core.parse_json(response, call);
    const ListBody list = locate_list(body, what);
    std::vector<T> out;
    if (list.items == nullptr) return out;
    out.reserve(list.items->size());
    for (auto& item : *list.items) out.push_back(Decoder<T>::decode(std::move(item), what));
    return out;
}
template <class T>
Page<T> as_page(const Core& core, HttpResponse& response, const Call& call, const char* what) {
    return decode_page<T>(core.parse_json(response, call), what);
}
/// The body is not used (deletes): a 2xx whose body is empty, cut or not JSON is a success.
inline void ignored(const Core&, HttpResponse&, const Call&, const char*) {}

/// The one wait: polls with `step` until it reports done, the first poll at once, then after
/// intervals growing from WaitOptions::initial_interval; never past the deadline (on the
/// executor's steady clock), never after `cancel`. Runs unchanged on either executor: sleeps
/// for a blocking wait, timers for an `_async` one.
class PollLoop final : public std::enable_shared_from_this<PollLoop> {
public:
    /// One poll: `call` carries the wait's cancel token and what is left of its deadline.
    using Step = MoveOnlyFunction<void(const std::shared_ptr<Executor>&, const CallOptions& call, Completion<bool> done)>;

    PollLoop(Core& core, std::shared_ptr<Executor> ex, WaitOptions wait, std::string what, Step step,
             Completion<void> done);
    void start();

private:
    void poll();
    void on_poll(Result<bool> done);
    void finish(Result<void> outcome);
    std::exception_ptr expired() const;

    Core& core_;
    std::shared_ptr<Executor> ex_;
    const WaitOptions wait_;
    const std::string what_;
    Step step_;
    Completion<void> done_;
    Executor::Clock::time_point deadline_;
    std::chrono::milliseconds interval_;
    CancelRegistration cancel_wake_;
    Executor::TimerId timer_ = 0;
    bool finished_ = false;
};

/// A wait as an Op: polls with `step`, then `finish()` makes the result (or throws).
template <class T>
Op<T> wait_op(const std::shared_ptr<Core>& core, const WaitOptions& wait, std::string what, PollLoop::Step step,
              MoveOnlyFunction<T()> finish) {
    return Op<T>(core, wait.cancel,
                 [core = core.get(), wait, what = std::move(what), step = std::move(step),
                  finish = std::move(finish)](const std::shared_ptr<Executor>& ex, Completion<T> done) mutable {
                     auto loop = std::make_shared<PollLoop>(
                         *core, ex, wait, std::move(what), std::move(step),
                         [finish = std::move(finish), done = std::move(done)](Result<void> polled) mutable {
                             if (!polled) return done(polled.error());
                             deliver<T>(done, [&] { return finish(); });
                         });
                     loop->start();
                 });
}

/// The page size a page range asks for when the caller set none.
inline constexpr long long kAllPagesSize = 100;

/// A page range must page: page 0 does not exist, and a size of 0 would send limit=0 and never
/// see a short page. Checked when the range is made, so the call that made it throws.
inline void require_page_range(long long first_page, long long page_size) {
    if (first_page < 1 || page_size < 1) throw InvalidArgument("a page range needs page >= 1 and page_size >= 1");
}

/// The base of every manager: the shared Core and the call shapes.
class ManagerBase {
protected:
    explicit ManagerBase(std::shared_ptr<Core> core) : core_(std::move(core)) {}

    template <class T>
    HttpOp<T> one(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                  const nlohmann::json* body, const char* what, const CallOptions& call,
                  std::vector<std::string> secrets = {}) const {
        return HttpOp<T>(core_, core_->make_call(route, args, query, body, std::move(secrets)), call, &as_object<T>, what);
    }
    template <class T>
    HttpOp<std::vector<T>> many(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                                const nlohmann::json* body, const char* what, const CallOptions& call) const {
        return HttpOp<std::vector<T>>(core_, core_->make_call(route, args, query, body), call, &as_list<T>, what);
    }
    template <class T>
    HttpOp<Page<T>> page(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                         const char* what, const CallOptions& call, const nlohmann::json* body = nullptr) const {
        return HttpOp<Page<T>>(core_, core_->make_call(route, args, query, body), call, &as_page<T>, what);
    }
    HttpOp<void> discard(const Route& route, std::initializer_list<std::string_view> args, const CallOptions& call,
                         const Query& query = {}, const nlohmann::json* body = nullptr) const;

    /// The one spelling of paging (page, page_size) under a route's wire names (`limit` for
    /// most services, `pageSize` for some); unset is not sent, a value set is sent as given.
    static Query paging(std::optional<long long> page, std::optional<long long> size, const char* size_key = "limit");

    /// Every page of a list call, as a lazy range: `page_op(options)` is the manager's own
    /// one-page op (so each page of the range is exactly what that list call returns). The range
    /// starts at options.page (or 1) and asks for pages of options.page_size, or of
    /// kAllPagesSize when unset: a range must send a size, to tell a short (last) page from a
    /// full one. The first page's op is prepared here and dropped, so that bad arguments throw
    /// InvalidArgument from the call that made the range, as they do from the list call.
    template <class T, class Options, class PageOp>
    static PageRange<T> all_pages(Options options, PageOp page_op) {
        const long long first = options.page.value_or(1);
        if (!options.page_size) options.page_size = kAllPagesSize;
        const long long size = *options.page_size;
        require_page_range(first, size);
        options.page = first;
        (void)page_op(options);
        return PageRange<T>(
            [options = std::move(options), page_op = std::move(page_op)](long long number) {
                Options paged = options;
                paged.page = number;
                return page_op(paged).run();
            },
            first, size);
    }
    static void require_object(const nlohmann::json& value, const char* what);

    std::shared_ptr<Core> core_;
};

}  // namespace detail
CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/detail/impl/manager.ipp>
#endif
