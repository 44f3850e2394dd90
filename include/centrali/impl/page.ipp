#pragma once

#include <centrali/page.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, PageMeta& meta) {
    detail::read_member(j, "total", meta.total);
    detail::read_member(j, "page", meta.page);
    detail::read_member(j, "pageSize", meta.page_size);
    meta.raw = j;
    meta.sent = true;
}

CENTRALI_NAMESPACE_END
