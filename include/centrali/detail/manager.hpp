#pragma once
// What every manager needs, once: call a route through Core and decode the answer.

#include <centrali/detail/core.hpp>
#include <centrali/detail/json.hpp>
#include <centrali/page.hpp>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

class ManagerBase {
protected:
    explicit ManagerBase(std::shared_ptr<Core> core) : core_(std::move(core)) {}

    nlohmann::json send(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                        const nlohmann::json* body, const CallOptions& call, std::vector<std::string> secrets = {}) {
        return core_->call(route, args, query, body, call, std::move(secrets));
    }

    /// A call whose response body is not used (deletes).
    void discard(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                 const nlohmann::json* body, const CallOptions& call) {
        core_->call_ignoring_body(route, args, query, body, call);
    }

    /// A single object, unwrapped from {"data": …}.
    template <class T>
    T one(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
          const nlohmann::json* body, const CallOptions& call, const char* what, std::vector<std::string> secrets = {}) {
        nlohmann::json response = send(route, args, query, body, call, std::move(secrets));
        return Decoder<T>::decode(std::move(unwrap_object(response, what)), what);
    }

    template <class T>
    std::vector<T> many(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                        const nlohmann::json* body, const CallOptions& call, const char* what) {
        nlohmann::json response = send(route, args, query, body, call);
        nlohmann::json& items = unwrap_array(response, what);
        std::vector<T> out;
        out.reserve(items.size());
        for (auto& item : items) out.push_back(Decoder<T>::decode(std::move(item), what));
        return out;
    }

    template <class T>
    Page<T> page(const Route& route, std::initializer_list<std::string_view> args, const Query& query,
                 const CallOptions& call, const char* what) {
        return decode_page<T>(send(route, args, query, nullptr, call), what);
    }

    static Query to_query(const std::vector<std::pair<std::string, std::string>>& params) {
        Query query;
        for (const auto& [key, value] : params) query.add(key, value);
        return query;
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
