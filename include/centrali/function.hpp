#pragma once
// centrali::MoveOnlyFunction: a move-only std::function (C++23 has std::move_only_function).
// Continuations own promises, responses and other move-only state, which std::function
// (copyable by contract) cannot hold. Public because custom transports receive completions.
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

/// A move-only std::function; declared for function types only (see the specialisation).
template <class Signature>
class MoveOnlyFunction;

/// A callable of signature `R(Args...)` that may own move-only state (promises, responses),
/// which std::function cannot. Movable, not copyable; a moved-from one is empty. Not
/// synchronised: do not call or move one from two threads at once.
template <class R, class... Args>
class MoveOnlyFunction<R(Args...)> {
public:
    /// An empty function.
    MoveOnlyFunction() noexcept = default;
    /// An empty function, as with std::function.
    MoveOnlyFunction(std::nullptr_t) noexcept {}  // NOLINT: like std::function
    /// Takes `f` (moved or copied into a heap allocation): any callable invocable with `Args...`
    /// whose result converts to `R`.
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, MoveOnlyFunction> &&
                                                std::is_invocable_r_v<R, std::decay_t<F>&, Args...>>>
    MoveOnlyFunction(F&& f)  // NOLINT: implicit, like std::function
        : target_(new std::decay_t<F>(std::forward<F>(f))), call_(&call<std::decay_t<F>>),
          destroy_(&destroy<std::decay_t<F>>) {}

    /// Takes `other`'s callable; `other` is left empty.
    MoveOnlyFunction(MoveOnlyFunction&& other) noexcept
        : target_(std::exchange(other.target_, nullptr)), call_(other.call_), destroy_(other.destroy_) {}
    /// Destroys the callable held, then takes `other`'s; `other` is left empty.
    MoveOnlyFunction& operator=(MoveOnlyFunction&& other) noexcept {
        if (this != &other) {
            reset();
            target_ = std::exchange(other.target_, nullptr);
            call_ = other.call_;
            destroy_ = other.destroy_;
        }
        return *this;
    }
    /// Destroys the callable held; the function is then empty.
    MoveOnlyFunction& operator=(std::nullptr_t) noexcept {
        reset();
        return *this;
    }
    MoveOnlyFunction(const MoveOnlyFunction&) = delete;
    MoveOnlyFunction& operator=(const MoveOnlyFunction&) = delete;
    ~MoveOnlyFunction() { reset(); }

    /// Calls the callable held with `args` and returns its result. Must not be called on an
    /// empty function (undefined behaviour, as with std::move_only_function).
    R operator()(Args... args) { return call_(target_, std::forward<Args>(args)...); }
    /// True when a callable is held.
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

CENTRALI_NAMESPACE_END
