#pragma once

#include <centrali/structures.hpp>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void to_json(nlohmann::json& j, const PropertyDefinition& p) {
    using detail::known;
    j = detail::unknown_members(p.extra, known("name", p.name), known("type", p.type), known("description", p.description),
                                known("required", p.required), known("isUnique", p.is_unique),
                                known("nullable", p.nullable), known("immutable", p.immutable),
                                known("default", p.default_value), known("enum", p.enum_values),
                                known("target", p.target), known("relationship", p.relationship));
    j["name"] = p.name;
    j["type"] = p.type.str();
    detail::write_member(j, "description", p.description);
    if (p.required) j["required"] = true;
    if (p.is_unique) j["isUnique"] = true;
    detail::write_member(j, "nullable", p.nullable);
    detail::write_member(j, "immutable", p.immutable);
    if (!p.default_value.is_null()) j["default"] = p.default_value;
    if (!p.enum_values.empty()) j["enum"] = p.enum_values;
    detail::write_member(j, "target", p.target);
    detail::write_member(j, "relationship", p.relationship);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, PropertyDefinition& p) {
    p.name = detail::read_identity(j, "name", "a property definition");
    const detail::TolerantReader read{j};
    read("type", p.type);
    read("description", p.description);
    read("required", p.required);
    read("isUnique", p.is_unique);
    read("nullable", p.nullable);
    read("immutable", p.immutable);
    read("default", p.default_value);
    read("enum", p.enum_values);
    read("target", p.target);
    read("relationship", p.relationship);
    p.extra = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, Collection& c) {
    c.id = detail::read_identity(j, "id", "a collection");
    const detail::TolerantReader read{j};
    read("workspaceSlug", c.workspace_slug);
    read("recordSlug", c.record_slug);
    read("name", c.name);
    read("description", c.description);
    detail::read_model_list(j, "properties", c.properties);
    read("status", c.status);
    read("schemaDiscoveryMode", c.schema_discovery_mode);
    read("isStrict", c.is_strict);
    if (c.schema_discovery_mode.empty() && c.is_strict)
        c.schema_discovery_mode = *c.is_strict ? SchemaDiscoveryMode::strict : SchemaDiscoveryMode::schemaless;
    read("retentionPolicy", c.retention_policy);
    read("enableVersioning", c.enable_versioning);
    read("defaultSearchField", c.default_search_field);
    read("createdAt", c.created_at);
    read("updatedAt", c.updated_at);
    c.raw = j;
}

CENTRALI_DECL void to_json(nlohmann::json& j, const CreateCollectionInput& input) {
    j = {{"name", input.name}, {"recordSlug", input.record_slug}, {"properties", input.properties}};
    detail::write_member(j, "description", input.description);
    if (input.schema_discovery_mode) j["schemaDiscoveryMode"] = input.schema_discovery_mode->str();
    detail::write_member(j, "defaultSearchField", input.default_search_field);
    detail::write_member(j, "enableVersioning", input.enable_versioning);
}

CENTRALI_DECL void to_json(nlohmann::json& j, const UpdateCollectionInput& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "description", input.description);
    if (input.properties) j["properties"] = *input.properties;
    if (input.schema_discovery_mode) j["schemaDiscoveryMode"] = input.schema_discovery_mode->str();
    detail::write_member(j, "defaultSearchField", input.default_search_field);
    detail::write_member(j, "enableVersioning", input.enable_versioning);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, CreateCollectionInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "recordSlug", input.record_slug);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "properties", input.properties);
    detail::read_member(j, "schemaDiscoveryMode", input.schema_discovery_mode);
    detail::read_member(j, "defaultSearchField", input.default_search_field);
    detail::read_member(j, "enableVersioning", input.enable_versioning);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, UpdateCollectionInput& input) {
    detail::read_member(j, "name", input.name);
    detail::read_member(j, "description", input.description);
    detail::read_member(j, "properties", input.properties);
    detail::read_member(j, "schemaDiscoveryMode", input.schema_discovery_mode);
    detail::read_member(j, "defaultSearchField", input.default_search_field);
    detail::read_member(j, "enableVersioning", input.enable_versioning);
}

CENTRALI_DECL void from_json(const nlohmann::json& j, SchemaValidation& v) {
    detail::require_model_object(j, "a schema validation");
    const detail::TolerantReader read{j};
    read("valid", v.valid);
    read("errors", v.errors);
    v.raw = j;
}

namespace detail {
inline const SchemaRoutes structure_routes{routes::structures_list,   routes::structures_create,
                                           routes::structures_get,    routes::structures_update,
                                           routes::structures_delete, routes::structures_by_slug,
                                           routes::structures_validate, routes::structures_restore,
                                           routes::structures_bulk_create, routes::structures_bulk_delete,
                                           routes::structures_bulk_delete_properties, "structures"};
inline const SchemaRoutes collection_routes{routes::collections_list,   routes::collections_create,
                                            routes::collections_get,    routes::collections_update,
                                            routes::collections_delete, routes::collections_by_slug,
                                            routes::collections_validate, routes::collections_restore,
                                            routes::collections_bulk_create, routes::collections_bulk_delete,
                                            routes::collections_bulk_delete_properties, "collections"};

// A bulk call's list of ids or names: refused before sending when it could never be valid, as
// an empty id of a single call is by its route.
inline void require_names(const std::vector<std::string>& names, const char* what) {
    if (names.empty()) throw InvalidArgument(std::string(what) + " must not be empty");
    for (const auto& name : names)
        if (name.empty()) throw InvalidArgument(std::string(what) + " must not hold an empty value");
}
}  // namespace detail

CENTRALI_DECL StructuresManager::StructuresManager(std::shared_ptr<detail::Core> core)
    : SchemaManager(std::move(core), detail::structure_routes) {}
CENTRALI_DECL CollectionsManager::CollectionsManager(std::shared_ptr<detail::Core> core)
    : SchemaManager(std::move(core), detail::collection_routes) {}

CENTRALI_DECL PageRange<Collection> SchemaManager::list_all(const ListOptions& options, const CallOptions& call) {
    return all_pages<Collection>(options, [self = *this, call](const ListOptions& page) { return self.list_op(page, call); });
}
CENTRALI_DECL Page<Collection> SchemaManager::list(const ListOptions& options, const CallOptions& call) {
    return list_op(options, call).run();
}
CENTRALI_DECL Collection SchemaManager::get(std::string_view id, const CallOptions& call) {
    return by(routes_.get, id, call).run();
}
CENTRALI_DECL Collection SchemaManager::get_by_slug(std::string_view record_slug, const CallOptions& call) {
    return by(routes_.by_slug, record_slug, call).run();
}
CENTRALI_DECL Collection SchemaManager::create(const CreateCollectionInput& input, const CallOptions& call) {
    return create_op(input, call).run();
}
CENTRALI_DECL Collection SchemaManager::update(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call) {
    return update_op(id, input, call).run();
}
CENTRALI_DECL void SchemaManager::remove(std::string_view id, const CallOptions& call) {
    discard(routes_.remove, {id}, call).run();
}
CENTRALI_DECL Collection SchemaManager::restore(std::string_view id, const CallOptions& call) {
    return by(routes_.restore, id, call).run();
}
CENTRALI_DECL SchemaValidation SchemaManager::validate(const CreateCollectionInput& input, const CallOptions& call) {
    return validate_op(input, call).run();
}

CENTRALI_DECL std::vector<Collection> SchemaManager::bulk_create(const std::vector<CreateCollectionInput>& inputs,
                                                                 const CallOptions& call) {
    return bulk_create_op(inputs, call).run();
}
CENTRALI_DECL void SchemaManager::bulk_delete(const std::vector<std::string>& ids, const CallOptions& call) {
    bulk_delete_op(ids, call).run();
}
CENTRALI_DECL Collection SchemaManager::bulk_delete_properties(std::string_view id,
                                                               const std::vector<std::string>& property_names,
                                                               const CallOptions& call) {
    return bulk_delete_properties_op(id, property_names, call).run();
}

CENTRALI_DECL detail::HttpOp<Page<Collection>> SchemaManager::list_op(const ListOptions& options, const CallOptions& call) const {
    return page<Collection>(routes_.list, {}, paging(options.page, options.page_size), "collections", call);
}
CENTRALI_DECL detail::HttpOp<Collection> SchemaManager::by(const detail::Route& route, std::string_view key,
                                                           const CallOptions& call) const {
    return one<Collection>(route, {key}, {}, nullptr, "collection", call);
}
CENTRALI_DECL detail::HttpOp<Collection> SchemaManager::create_op(const CreateCollectionInput& input, const CallOptions& call) const {
    if (input.name.empty() || input.record_slug.empty()) throw InvalidArgument("a collection needs a name and a record_slug");
    const nlohmann::json body = input;
    return one<Collection>(routes_.create, {}, {}, &body, "collection", call);
}
CENTRALI_DECL detail::HttpOp<Collection> SchemaManager::update_op(std::string_view id, const UpdateCollectionInput& input,
                                                                  const CallOptions& call) const {
    const nlohmann::json body = input;
    return one<Collection>(routes_.update, {id}, {}, &body, "collection", call);
}
CENTRALI_DECL detail::HttpOp<SchemaValidation> SchemaManager::validate_op(const CreateCollectionInput& input,
                                                                          const CallOptions& call) const {
    const nlohmann::json body = input;
    return one<SchemaValidation>(routes_.validate, {}, {}, &body, "validation result", call);
}
CENTRALI_DECL detail::HttpOp<std::vector<Collection>> SchemaManager::bulk_create_op(
    const std::vector<CreateCollectionInput>& inputs, const CallOptions& call) const {
    if (inputs.empty()) throw InvalidArgument("bulk_create needs at least one collection");
    for (const auto& input : inputs)
        if (input.name.empty() || input.record_slug.empty())
            throw InvalidArgument("bulk_create: every collection needs a name and a record_slug");
    nlohmann::json body = nlohmann::json::object();
    body[routes_.bulk_key] = inputs;
    return many<Collection>(routes_.bulk_create, {}, {}, &body, "collections", call);
}
CENTRALI_DECL detail::HttpOp<void> SchemaManager::bulk_delete_op(const std::vector<std::string>& ids,
                                                                 const CallOptions& call) const {
    detail::require_names(ids, "bulk_delete: the ids");
    nlohmann::json body = nlohmann::json::object();
    body["ids"] = ids;
    return discard(routes_.bulk_delete, {}, call, {}, &body);
}
CENTRALI_DECL detail::HttpOp<Collection> SchemaManager::bulk_delete_properties_op(
    std::string_view id, const std::vector<std::string>& property_names, const CallOptions& call) const {
    detail::require_names(property_names, "bulk_delete_properties: the property names");
    nlohmann::json body = nlohmann::json::object();
    body["propertyNames"] = property_names;
    return one<Collection>(routes_.bulk_delete_properties, {id}, {}, &body, "collection", call);
}

CENTRALI_NAMESPACE_END
