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

/// One host of the workspace's allowlist. The object's shape is UNCONFIRMED: members the server
/// did not send stay empty.
struct AllowedDomain {
    std::string id;  ///< the entry's id; remove() takes it
    std::string domain;  ///< the host name, such as api.stripe.com
    std::string created_at;  ///< `createdAt`, as the server sent it
    std::string created_by;  ///< `createdBy`: who added it, as the server identifies them
    nlohmann::json raw;  ///< the whole object as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes an allowlist entry; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, AllowedDomain& d);

/// Every call has an `_async` twin (see async.hpp for its completion token). Every route is
/// UNCONFIRMED.
///
/// Every call throws a centrali::Error: an ApiError by status for a non-2xx answer (NotFound,
/// BadRequest, …), TransportError, DecodeError or Cancelled; InvalidArgument for an empty domain
/// or id, which the `_async` twins throw themselves instead of reporting it through the token.
class AllowedDomainsManager : private detail::ManagerBase {
public:
    /// Made by the Client (Client::allowed_domains()); not for direct use.
    explicit AllowedDomainsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// The workspace's allowlist.
    Page<AllowedDomain> list(const CallOptions& call = {});
    /// list() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_async(const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(call).launch(std::forward<Token>(token));
    }

    /// Adds `domain` to the allowlist and returns the new entry. `domain` is a host name such as
    /// api.stripe.com. Throws InvalidArgument, before sending anything, when it is empty.
    AllowedDomain add(std::string_view domain, const CallOptions& call = {});
    /// add() without blocking: the new entry, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto add_async(std::string_view domain, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->add_op(domain, call).launch(std::forward<Token>(token));
    }

    /// Removes the entry whose id (AllowedDomain::id, not the host name) is `domain_id`. The
    /// response body is not read: any 2xx succeeds.
    void remove(std::string_view domain_id, const CallOptions& call = {});
    /// remove() without blocking: success, or the error, arrives through `token`.
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
