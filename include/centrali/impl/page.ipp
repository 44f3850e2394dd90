#pragma once

#include <centrali/page.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, PageMeta& meta) {
    detail::require_model_object(j, "meta");
    const detail::TolerantReader read{j};
    read("total", meta.total);
    read("page", meta.page);
    read("pageSize", meta.page_size);
    if (!meta.page_size) read("limit", meta.page_size);  // the data routes' name
    meta.raw = j;
    meta.sent = true;
}

CENTRALI_NAMESPACE_END
