#pragma once

#include <centrali/page.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, PageMeta& meta) {
    detail::read_member(j, "total", meta.total);
    detail::read_member(j, "page", meta.page);
    detail::read_member(j, "pageSize", meta.page_size);
    if (!meta.page_size) detail::read_member(j, "limit", meta.page_size);  // the data routes' name
    meta.raw = j;
    meta.sent = true;
}

CENTRALI_NAMESPACE_END
