#pragma once
// client.allowed_domains(): the hosts compute functions may call with api.httpRequest /
// api.httpFetch.

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <future>
#include <memory>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

struct AllowedDomain {
    std::string id;
    std::string domain;
    std::string created_at;
    std::string created_by;
    nlohmann::json raw;
};

template <class T, detail::only<T, AllowedDomain> = 0>
void from_json(const nlohmann::json& j, T& d) {
    detail::read_member(j, "id", d.id);
    detail::read_member(j, "domain", d.domain);
    detail::read_member(j, "createdAt", d.created_at);
    detail::read_member(j, "createdBy", d.created_by);
    d.raw = j;
}

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it AllowedDomainsManager.
template <class Unused = void>
class BasicAllowedDomainsManager : private ManagerBase {
public:
    explicit BasicAllowedDomainsManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    Page<AllowedDomain> list(const CallOptions& call = {}) { return list_op().run(call); }
    std::future<Page<AllowedDomain>> list_async(const CallOptions& call = {}) { return list_op().submit(call); }

    /// `domain` is a host name such as api.stripe.com.
    AllowedDomain add(std::string_view domain, const CallOptions& call = {}) { return add_op(domain).run(call); }
    std::future<AllowedDomain> add_async(std::string_view domain, const CallOptions& call = {}) {
        return add_op(domain).submit(call);
    }

    void remove(std::string_view domain_id, const CallOptions& call = {}) { remove_op(domain_id).run(call); }
    std::future<void> remove_async(std::string_view domain_id, const CallOptions& call = {}) {
        return remove_op(domain_id).submit(call);
    }

private:
    detail::Op<Page<AllowedDomain>> list_op() const {
        return page<AllowedDomain>(detail::routes::allowed_domains_list, {}, {}, "allowed domains");
    }
    detail::Op<AllowedDomain> add_op(std::string_view domain) const {
        if (domain.empty()) throw InvalidArgument("the domain must not be empty");
        const nlohmann::json body = {{"domain", domain}};
        return one<AllowedDomain>(detail::routes::allowed_domains_add, {}, {}, &body, "allowed domain");
    }
    detail::Op<void> remove_op(std::string_view domain_id) const {
        return discard(detail::routes::allowed_domains_remove, {domain_id});
    }
};
}  // namespace detail

using AllowedDomainsManager = detail::BasicAllowedDomainsManager<>;

CENTRALI_NAMESPACE_END
