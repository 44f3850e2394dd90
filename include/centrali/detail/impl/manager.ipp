#pragma once

#include <centrali/detail/manager.hpp>

#include <algorithm>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL PollLoop::PollLoop(Core& core, std::shared_ptr<Executor> ex, WaitOptions wait, std::string what, Step step,
                                 Completion<void> done)
    : core_(core), ex_(std::move(ex)), wait_(std::move(wait)), what_(std::move(what)), step_(std::move(step)),
      done_(std::move(done)), interval_((std::max)(wait_.initial_interval, std::chrono::milliseconds(1))) {}

CENTRALI_DECL void PollLoop::start() {
    deadline_ = ex_->now() + wait_.deadline;
    cancel_wake_ = CancelRegistration(wait_.cancel, [weak = weak_from_this()] {
        if (auto self = weak.lock())
            self->ex_->post([self](bool) { self->finish(Result<void>(std::make_exception_ptr(Cancelled()))); });
    });
    poll();
}

CENTRALI_DECL std::exception_ptr PollLoop::expired() const {
    return std::make_exception_ptr(DeadlineExceeded("centrali: " + what_ + " did not finish within " +
                                                    std::to_string(wait_.deadline.count()) + " ms"));
}

CENTRALI_DECL void PollLoop::poll() {
    if (finished_) return;
    if (wait_.cancel.is_cancelled() || core_.is_shut_down()) return finish(Result<void>(std::make_exception_ptr(Cancelled())));
    const auto left = deadline_ - ex_->now();
    if (std::chrono::duration_cast<std::chrono::milliseconds>(left).count() <= 0) return finish(Result<void>(expired()));
    CallOptions call;
    call.cancel = wait_.cancel;
    // A poll never outlives the wait. Rounded up, so that a poll the wait's deadline cuts short
    // ends at or after that deadline and on_poll sees it as the deadline (truncating made the
    // poll's limit up to 1 ms earlier, and its TransportError escaped the wait).
    call.timeout = std::chrono::ceil<std::chrono::milliseconds>(left);
    // A step that cannot even start (an id the last answer left empty, say) ends the wait with
    // its error: this may run on the event loop's thread, where an escaping throw terminates.
    try {
        step_(ex_, call, [self = shared_from_this()](Result<bool> done) { self->on_poll(std::move(done)); });
    } catch (...) {
        finish(Result<void>(std::current_exception()));
    }
}

CENTRALI_DECL void PollLoop::on_poll(Result<bool> done) {
    if (finished_) return;
    if (!done) {
        // A poll cut short by the wait's own deadline is the deadline, not a transport failure.
        if (ex_->now() >= deadline_) return finish(Result<void>(expired()));
        return finish(Result<void>(done.error()));
    }
    if (done.value()) return finish(Result<void>());
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - ex_->now());
    if (left.count() <= 0) return finish(Result<void>(expired()));
    const auto pause = (std::min)(interval_, left);
    const double grown = static_cast<double>(interval_.count()) * (std::max)(1.0, wait_.multiplier);
    interval_ = (std::max)(std::chrono::milliseconds(1),
                           (std::min)(wait_.max_interval, std::chrono::milliseconds(static_cast<long long>(grown))));
    timer_ = ex_->post_after(pause, [self = shared_from_this()](bool cancelled) {
        self->timer_ = 0;
        if (cancelled) return self->finish(Result<void>(std::make_exception_ptr(Cancelled())));
        self->poll();
    });
}

CENTRALI_DECL void PollLoop::finish(Result<void> outcome) {
    if (finished_) return;
    finished_ = true;
    cancel_wake_.reset();
    if (timer_ != 0) ex_->cancel_timer(timer_);
    timer_ = 0;
    Completion<void> done = std::move(done_);
    done(std::move(outcome));
}

CENTRALI_DECL HttpOp<void> ManagerBase::discard(const Route& route, std::initializer_list<std::string_view> args,
                                                const CallOptions& call, const Query& query,
                                                const nlohmann::json* body) const {
    return HttpOp<void>(core_, core_->make_call(route, args, query, body), call, &ignored, "response");
}

CENTRALI_DECL Query ManagerBase::paging(std::optional<long long> page, std::optional<long long> size, const char* size_key) {
    Query query;
    if (page) query.add("page", std::to_string(*page));
    if (size) query.add(size_key, std::to_string(*size));
    return query;
}

CENTRALI_DECL void ManagerBase::require_object(const nlohmann::json& value, const char* what) {
    if (!value.is_object()) throw InvalidArgument(std::string(what) + " must be a JSON object");
}

}  // namespace detail
CENTRALI_NAMESPACE_END
