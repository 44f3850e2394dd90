#pragma once
// What every manager needs, once: call a route through Core and decode the answer.

#include <centrali/detail/core.hpp>
#include <centrali/detail/json.hpp>
#include <centrali/page.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

/// Decodes a response straight from its text, skipping the JSON document for what it reads
/// into typed fields. Returns false to leave the response to the JSON decoder (for a shape or a
/// value it does not handle), which then gives the result, or the error, of the usual rules.
/// Specialised next to the models that have one (records); the rest decode through JSON only.
template <class T, class = void>
struct TextDecoder {
    static constexpr std::nullptr_t read = nullptr;  // a specialisation: bool (*)(std::string_view, T&)
};

/// One call, described once: run() sends it and waits, submit() hands it to the Client's event
/// loop and returns a future. Every manager method is an Op and its two ways of running.
template <class T>
class Op {
public:
    using Decode = std::function<T(nlohmann::json&&)>;
    using ReadText = std::remove_const_t<decltype(TextDecoder<T>::read)>;

    /// An empty `decode` means the response body is not used (deletes): then a 2xx whose body
    /// is empty, cut or not JSON is still a success. `read_text`, when set, is tried first.
    Op(std::shared_ptr<Core> core, Call call, Decode decode, ReadText read_text = nullptr)
        : core_(std::move(core)), call_(std::move(call)), decoding_{std::move(decode), read_text} {}

    T run(const CallOptions& options) const { return finish(core_->execute(call_, options)); }

    /// The same call, with `next` applied to its decoded value.
    template <class F>
    auto then_value(F next) const -> Op<std::invoke_result_t<F, T>> {
        using U = std::invoke_result_t<F, T>;
        return Op<U>(core_, call_,
                     [decode = decoding_.decode, next](nlohmann::json&& body) { return next(decode(std::move(body))); });
    }

    std::future<T> submit(const CallOptions& options) const& { return start(*core_, call_, decoding_, options); }
    /// Every `…_async` method submits a temporary Op: its call and decoder move, not copy.
    std::future<T> submit(const CallOptions& options) && {
        return start(*core_, std::move(call_), std::move(decoding_), options);
    }

    /// The callback form, for composite calls (the async waits). Exactly one callback runs, on
    /// the event loop's thread.
    using Result = std::conditional_t<std::is_void_v<T>, std::nullptr_t, T>;
    void submit(const CallOptions& options, std::function<void(Result)> on_value,
                std::function<void(std::exception_ptr)> on_error) const {
        // The engine lives inside Core and dies first, so a raw pointer is safe here; a
        // shared_ptr would keep Core (and the engine) alive from inside the engine.
        Core* core = core_.get();
        core->engine().submit(
            call_, options,
            [core, call = call_, decoding = decoding_, on_value, on_error](HttpResponse&& response) {
                try {
                    if constexpr (std::is_void_v<T>) {
                        decoding(*core, call, response);
                        on_value(nullptr);
                    } else {
                        on_value(decoding(*core, call, response));
                    }
                } catch (...) {
                    on_error(std::current_exception());
                }
            },
            on_error);
    }

private:
    /// How a 2xx response becomes a T: its text reader first, when there is one, else JSON.
    struct Decoding {
        Decode decode;
        ReadText read_text;

        T operator()(const Core& core, const Call& call, const HttpResponse& response) const {
            if constexpr (std::is_void_v<T>) {
                if (decode) decode(core.parse_json(response, call));
            } else {
                if constexpr (!std::is_same_v<ReadText, std::nullptr_t>) {
                    T value;  // an Op built without a reader (then_value, custom) has none
                    if (read_text != nullptr && read_text(response.body, value)) return value;
                }
                return decode(core.parse_json(response, call));
            }
        }
    };

    /// Delivers the outcome into the future's promise: one allocation per async call.
    class PromiseCall final : public AsyncCall {
    public:
        PromiseCall(Core& core, Call call, CallOptions options, Decoding decoding)
            : AsyncCall(std::move(call), std::move(options)), core_(core), decoding_(std::move(decoding)) {}
        std::future<T> future() { return promise_.get_future(); }

        void succeed(HttpResponse&& response) noexcept override {
            try {
                if constexpr (std::is_void_v<T>) {
                    decoding_(core_, call(), response);
                    promise_.set_value();
                } else {
                    promise_.set_value(decoding_(core_, call(), response));
                }
            } catch (...) {
                promise_.set_exception(std::current_exception());
            }
        }
        void fail(std::exception_ptr error) noexcept override { promise_.set_exception(std::move(error)); }

    private:
        Core& core_;  // owns the engine that owns this call
        Decoding decoding_;
        std::promise<T> promise_;
    };

    static std::future<T> start(Core& core, Call call, Decoding decoding, const CallOptions& options) {
        auto job = std::make_unique<PromiseCall>(core, std::move(call), options, std::move(decoding));
        std::future<T> future = job->future();
        core.engine().submit(std::move(job));
        return future;
    }

    T finish(const HttpResponse& response) const { return decoding_(*core_, call_, response); }

    std::shared_ptr<Core> core_;
    Call call_;
    Decoding decoding_;
};

/// A non-owning handle to Core, for work queued on Core's own event loop: an owning one there
/// would keep Core (and with it the loop) alive from inside the loop.
inline std::shared_ptr<Core> borrow(Core* core) { return std::shared_ptr<Core>(std::shared_ptr<Core>(), core); }

/// The base of every manager. Each manager is a class template with an unused parameter, named
/// through an alias (`template <class = void> class BasicRunsManager`, `using RunsManager =
/// BasicRunsManager<>`): the body of a plain inline member compiles in every TU that includes
/// it, with all it instantiates (Op<T>::submit, std::function, std::promise, the decoders); a
/// member of a class template compiles only in the TUs that call it. That was most of the cost
/// of #include <centrali/client.hpp> (tests/bench/header_cost.sh).
class ManagerBase {
protected:
    explicit ManagerBase(std::shared_ptr<Core> core) : core_(std::move(core)) {}

    /// A single object, unwrapped from {"data": …}.
    template <class T>
    Op<T> one(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
              const nlohmann::json* body, const char* what, std::vector<std::string> secrets = {}) const {
        return Op<T>(
            core_, core_->make_call(route, args, query, body, std::move(secrets)),
            [what](nlohmann::json&& r) { return Decoder<T>::decode(std::move(unwrap_object(r, what)), what); },
            TextDecoder<T>::read);
    }

    template <class T>
    Op<std::vector<T>> many(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                            const nlohmann::json* body, const char* what) const {
        return Op<std::vector<T>>(core_, core_->make_call(route, args, query, body, {}), [what](nlohmann::json&& r) {
            nlohmann::json& items = unwrap_array(r, what);
            std::vector<T> out;
            out.reserve(items.size());
            for (auto& item : items) out.push_back(Decoder<T>::decode(std::move(item), what));
            return out;
        });
    }

    template <class T>
    Op<Page<T>> page(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                     const char* what, const nlohmann::json* body = nullptr) const {
        return Op<Page<T>>(core_, core_->make_call(route, args, query, body, {}),
                           [what](nlohmann::json&& r) { return decode_page<T>(std::move(r), what); },
                           TextDecoder<Page<T>>::read);
    }

    /// A call whose response body is not used (deletes).
    /// A template only so that it compiles where used, like the rest of ManagerBase.
    template <class Unused = void>
    Op<void> discard(const Route& route, std::initializer_list<std::string_view> args, const Query& query = {},
                     const nlohmann::json* body = nullptr) const {
        return Op<void>(core_, core_->make_call(route, args, query, body, {}), nullptr);
    }

    /// Any other decoding of the response body.
    template <class T>
    Op<T> custom(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                 const nlohmann::json* body, typename Op<T>::Decode decode) const {
        return Op<T>(core_, core_->make_call(route, args, query, body, {}), std::move(decode));
    }

    /// `page` and the page size (`limit` for most services, `pageSize` for some), each only
    /// when positive: the JS SDK sends only truthy options.
    static Query paging(long long page, long long size, const char* size_key = "limit") {
        Query query;
        if (page > 0) query.add("page", std::to_string(page));
        if (size > 0) query.add(size_key, std::to_string(size));
        return query;
    }

    const Clock& clock() const noexcept { return core_->clock(); }

    static void require_object(const nlohmann::json& value, const char* what) {
        if (!value.is_object()) throw InvalidArgument(std::string(what) + " must be a JSON object");
    }

    std::shared_ptr<Core> core_;
};

}  // namespace detail
CENTRALI_NAMESPACE_END
