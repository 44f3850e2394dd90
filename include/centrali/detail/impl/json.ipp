#pragma once

#include <centrali/detail/json.hpp>

CENTRALI_NAMESPACE_BEGIN
namespace detail {

CENTRALI_DECL nlohmann::json parse_json_text(std::string_view text, std::size_t max_depth) {
    // json::parse with a parser callback (public API): the same parser any json::parse call
    // instantiates, told to drop what is nested too deep, which then discards the whole text.
    // (json::sax_parse with a handler of our own would also instantiate nlohmann's CBOR,
    // MessagePack, UBJSON and BSON readers for it.)
    bool too_deep = false;
    nlohmann::json::parser_callback_t limit = [&too_deep, max_depth](int depth, nlohmann::json::parse_event_t event,
                                                                      nlohmann::json&) {
        if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
            static_cast<std::size_t>(depth) >= max_depth) {
            too_deep = true;
            return false;
        }
        return !too_deep;
    };
    nlohmann::json result = nlohmann::json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/false);
    if (too_deep) return nlohmann::json(nlohmann::json::value_t::discarded);
    return result;
}

CENTRALI_DECL std::string dump_json(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

CENTRALI_DECL nlohmann::json& unwrap_object(nlohmann::json& body, const char* what) {
    if (body.is_object()) {
        const auto data = body.find("data");
        if (body.contains("id") || data == body.end()) return body;
        if (data->is_object()) return *data;
    }
    throw DecodeError(std::string("centrali: expected ") + what + " as a JSON object, got: " +
                      dump_json(body).substr(0, 200));
}

CENTRALI_DECL nlohmann::json& unwrap_array(nlohmann::json& body, const char* what) {
    if (body.is_array()) return body;
    if (body.is_object()) {
        const auto data = body.find("data");
        if (data != body.end() && data->is_array()) return *data;
    }
    throw DecodeError(std::string("centrali: expected a list of ") + what + ", got: " + dump_json(body).substr(0, 200));
}

}  // namespace detail
CENTRALI_NAMESPACE_END
