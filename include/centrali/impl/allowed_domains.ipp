#pragma once

#include <centrali/allowed_domains.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, AllowedDomain& d) {
    d.id = detail::read_identity(j, "id", "an allowed domain");
    const detail::TolerantReader read{j};
    read("domain", d.domain);
    read("createdAt", d.created_at);
    read("createdBy", d.created_by);
    d.raw = j;
}

CENTRALI_DECL Page<AllowedDomain> AllowedDomainsManager::list(const CallOptions& call) {
    return list_op(call).run();
}
CENTRALI_DECL AllowedDomain AllowedDomainsManager::add(std::string_view domain, const CallOptions& call) {
    return add_op(domain, call).run();
}
CENTRALI_DECL void AllowedDomainsManager::remove(std::string_view domain_id, const CallOptions& call) {
    remove_op(domain_id, call).run();
}

CENTRALI_DECL detail::HttpOp<Page<AllowedDomain>> AllowedDomainsManager::list_op(const CallOptions& call) const {
    return page<AllowedDomain>(detail::routes::allowed_domains_list, {}, {}, "allowed domains", call);
}
CENTRALI_DECL detail::HttpOp<AllowedDomain> AllowedDomainsManager::add_op(std::string_view domain, const CallOptions& call) const {
    if (domain.empty()) throw InvalidArgument("the domain must not be empty");
    nlohmann::json body = nlohmann::json::object();
    body["domain"] = domain;
    return one<AllowedDomain>(detail::routes::allowed_domains_add, {}, {}, &body, "allowed domain", call);
}
CENTRALI_DECL detail::HttpOp<void> AllowedDomainsManager::remove_op(std::string_view domain_id, const CallOptions& call) const {
    return discard(detail::routes::allowed_domains_remove, {domain_id}, call);
}

CENTRALI_NAMESPACE_END
