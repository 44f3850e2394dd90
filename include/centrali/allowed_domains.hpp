#pragma once
// client.allowed_domains(): the hosts compute functions may call with api.httpRequest /
// api.httpFetch.

#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

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

inline void from_json(const nlohmann::json& j, AllowedDomain& d) {
    detail::read_member(j, "id", d.id);
    detail::read_member(j, "domain", d.domain);
    detail::read_member(j, "createdAt", d.created_at);
    detail::read_member(j, "createdBy", d.created_by);
    d.raw = j;
}

class AllowedDomainsManager : private detail::ManagerBase {
public:
    explicit AllowedDomainsManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    Page<AllowedDomain> list(const CallOptions& call = {}) {
        return page<AllowedDomain>(detail::routes::allowed_domains_list, {}, {}, call, "allowed domains");
    }
    /// `domain` is a host name such as api.stripe.com.
    AllowedDomain add(std::string_view domain, const CallOptions& call = {}) {
        if (domain.empty()) throw InvalidArgument("the domain must not be empty");
        const nlohmann::json body = {{"domain", domain}};
        return one<AllowedDomain>(detail::routes::allowed_domains_add, {}, {}, &body, call, "allowed domain");
    }
    void remove(std::string_view domain_id, const CallOptions& call = {}) {
        discard(detail::routes::allowed_domains_remove, {domain_id}, {}, nullptr, call);
    }
};

CENTRALI_NAMESPACE_END
