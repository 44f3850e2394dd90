#pragma once
// client.allowed_domains(): the hosts compute functions may call with api.httpRequest /
// api.httpFetch.

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

struct AllowedDomain {
    std::string id;
    std::string domain;
    std::string created_at;
    std::string created_by;
    nlohmann::json raw;
};

void from_json(const nlohmann::json& j, AllowedDomain& d);

/// Every call has an `_async` twin (see async.hpp for its completion token).
class AllowedDomainsManager : private detail::ManagerBase {
public:
    explicit AllowedDomainsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    Page<AllowedDomain> list(const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_async(const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(call).launch(std::forward<Token>(token));
    }

    /// `domain` is a host name such as api.stripe.com.
    AllowedDomain add(std::string_view domain, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto add_async(std::string_view domain, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->add_op(domain, call).launch(std::forward<Token>(token));
    }

    void remove(std::string_view domain_id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto remove_async(std::string_view domain_id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->remove_op(domain_id, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<AllowedDomain>> list_op(const CallOptions& call) const;
    detail::HttpOp<AllowedDomain> add_op(std::string_view domain, const CallOptions& call) const;
    detail::HttpOp<void> remove_op(std::string_view domain_id, const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/allowed_domains.ipp>
#endif
