#pragma once
// The tolerant-reading contract every response model keeps, checked the same way for each:
// one member of an unexpected type leaves its field at its default and stays in the kept
// object; a body without a readable identity, or not an object, is a DecodeError.
#include "catch.hpp"

#include <centrali/client.hpp>

#include <nlohmann/json.hpp>

#include <functional>

namespace centrali_test {

/// The object a model keeps whole: `raw`, or `extra` where the model is also a request part.
template <class Model>
const nlohmann::json& kept_object(const Model& m) {
    if constexpr (std::is_same_v<Model, centrali::PropertyDefinition> || std::is_same_v<Model, centrali::OrchestrationStep> ||
                  std::is_same_v<Model, centrali::OrchestrationTrigger>)
        return m.extra;
    else return m.raw;
}

/// `full` with `key` set to `odd` still decodes; `kept_default` says the field kept its default.
template <class Model>
void check_odd_member(const nlohmann::json& full, const char* key, const nlohmann::json& odd,
                      const std::function<bool(const Model&)>& kept_default) {
    CAPTURE(key, odd.dump());
    nlohmann::json body = full;
    body[key] = odd;
    Model model;
    REQUIRE_NOTHROW(model = body.get<Model>());
    CHECK(kept_default(model));
    CHECK(kept_object(model).at(key) == odd);
}

/// `full` without its identity, with an identity of the wrong type, and a non-object body are
/// DecodeErrors naming `what`.
template <class Model>
void check_identity_required(const nlohmann::json& full, const char* what, const char* id_key = "id") {
    nlohmann::json missing = full;
    missing.erase(id_key);
    nlohmann::json mistyped = full;
    mistyped[id_key] = 5;
    for (const nlohmann::json& body : {missing, mistyped, nlohmann::json::array(), nlohmann::json("text")}) {
        CAPTURE(body.dump());
        try {
            (void)body.get<Model>();
            FAIL("expected a DecodeError");
        } catch (const centrali::DecodeError& e) {
            CHECK(std::string(e.what()).find(what) != std::string::npos);
        }
    }
}

}  // namespace centrali_test
