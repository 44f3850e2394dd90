// JSON in and out of request and response bodies, shared by the emulator's modules.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace centrali_emulator {

/// Never throws on invalid UTF-8: ids, slugs and bodies carry arbitrary percent-decoded bytes.
inline std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The parsed body, or nullopt when it is not JSON.
inline std::optional<nlohmann::json> parse_json(const std::string& body) {
  try {
    nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::nullopt;
    return j;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace centrali_emulator
