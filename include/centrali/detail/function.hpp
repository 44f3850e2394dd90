#pragma once
// A move-only std::function: continuations own promises, responses and other move-only state,
// which std::function (copyable by contract) cannot hold.
//
// Type-erased with two function pointers rather than a virtual base: a vtable of a class template
// is emitted wherever the template is instantiated, used or not, and drags the whole callable's
// code along into every translation unit that includes the SDK's definitions.

#include <centrali/version.hpp>

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

template <class Signature>
class UniqueFunction;

template <class R, class... Args>
class UniqueFunction<R(Args...)> {
public:
    UniqueFunction() noexcept = default;
    UniqueFunction(std::nullptr_t) noexcept {}  // NOLINT: like std::function
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, UniqueFunction> &&
                                                std::is_invocable_r_v<R, std::decay_t<F>&, Args...>>>
    UniqueFunction(F&& f)  // NOLINT: implicit, like std::function
        : target_(new std::decay_t<F>(std::forward<F>(f))), call_(&call<std::decay_t<F>>),
          destroy_(&destroy<std::decay_t<F>>) {}

    UniqueFunction(UniqueFunction&& other) noexcept
        : target_(std::exchange(other.target_, nullptr)), call_(other.call_), destroy_(other.destroy_) {}
    UniqueFunction& operator=(UniqueFunction&& other) noexcept {
        if (this != &other) {
            reset();
            target_ = std::exchange(other.target_, nullptr);
            call_ = other.call_;
            destroy_ = other.destroy_;
        }
        return *this;
    }
    UniqueFunction& operator=(std::nullptr_t) noexcept {
        reset();
        return *this;
    }
    UniqueFunction(const UniqueFunction&) = delete;
    UniqueFunction& operator=(const UniqueFunction&) = delete;
    ~UniqueFunction() { reset(); }

    R operator()(Args... args) { return call_(target_, std::forward<Args>(args)...); }
    explicit operator bool() const noexcept { return target_ != nullptr; }

private:
    template <class F>
    static R call(void* target, Args&&... args) {
        return (*static_cast<F*>(target))(std::forward<Args>(args)...);
    }
    template <class F>
    static void destroy(void* target) noexcept {
        delete static_cast<F*>(target);
    }
    void reset() noexcept {
        if (target_ != nullptr) destroy_(target_);
        target_ = nullptr;
    }

    void* target_ = nullptr;
    R (*call_)(void*, Args&&...) = nullptr;
    void (*destroy_)(void*) noexcept = nullptr;
};

}  // namespace detail
CENTRALI_NAMESPACE_END
