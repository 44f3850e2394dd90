#pragma once
// client.structures() and client.collections(): the schemas of records. "Collection" is the
// newer name of "structure"; the JS SDK 4.4.5 ships both managers, and so do we (one class
// template, two route sets).

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CENTRALI_NAMESPACE_BEGIN

class PropertyType : public StringEnum<PropertyType> {
public:
    using StringEnum::StringEnum;
    static const PropertyType string, number, boolean, datetime, array, object, reference;
};
inline const PropertyType PropertyType::string{"string"};
inline const PropertyType PropertyType::number{"number"};
inline const PropertyType PropertyType::boolean{"boolean"};
inline const PropertyType PropertyType::datetime{"datetime"};
inline const PropertyType PropertyType::array{"array"};
inline const PropertyType PropertyType::object{"object"};
inline const PropertyType PropertyType::reference{"reference"};

class SchemaDiscoveryMode : public StringEnum<SchemaDiscoveryMode> {
public:
    using StringEnum::StringEnum;
    static const SchemaDiscoveryMode strict, auto_evolving, schemaless;
};
inline const SchemaDiscoveryMode SchemaDiscoveryMode::strict{"strict"};
inline const SchemaDiscoveryMode SchemaDiscoveryMode::auto_evolving{"auto-evolving"};
inline const SchemaDiscoveryMode SchemaDiscoveryMode::schemaless{"schemaless"};

/// A field of a collection. The wire names follow the vendor's own tooling (`isUnique`, not
/// `unique`); reference options (`target`, `relationship`) are UNCONFIRMED names.
struct PropertyDefinition {
    std::string name;
    PropertyType type = PropertyType::string;
    std::string description;
    bool required = false;
    bool is_unique = false;
    std::optional<bool> nullable;
    std::optional<bool> immutable;
    nlohmann::json default_value;  ///< null: none
    std::vector<std::string> enum_values;
    std::string target;        ///< reference fields: the referenced collection's slug
    std::string relationship;  ///< reference fields: e.g. many-to-one, many-to-many
    nlohmann::json extra = nlohmann::json::object();  ///< minLength, pattern, renderAs, …: sent and kept as is
};

template <class T, detail::only<T, PropertyDefinition> = 0>
void to_json(nlohmann::json& j, const T& p) {
    j = p.extra.is_object() ? p.extra : nlohmann::json::object();
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

template <class T, detail::only<T, PropertyDefinition> = 0>
void from_json(const nlohmann::json& j, T& p) {
    detail::read_member(j, "name", p.name);
    detail::read_member(j, "type", p.type);
    detail::read_member(j, "description", p.description);
    detail::read_member(j, "required", p.required);
    detail::read_member(j, "isUnique", p.is_unique);
    detail::read_member(j, "nullable", p.nullable);
    detail::read_member(j, "immutable", p.immutable);
    detail::read_member(j, "default", p.default_value);
    detail::read_member(j, "enum", p.enum_values);
    detail::read_member(j, "target", p.target);
    detail::read_member(j, "relationship", p.relationship);
    p.extra = j;
}

struct Collection {
    std::string id;
    std::string workspace_slug;
    std::string record_slug;
    std::string name;
    std::string description;
    std::vector<PropertyDefinition> properties;
    std::string status;  ///< active | inactive
    SchemaDiscoveryMode schema_discovery_mode;  ///< or, from older servers, derived from isStrict
    std::optional<bool> enable_versioning;
    std::string default_search_field;
    std::string created_at;
    std::string updated_at;
    nlohmann::json raw;
};
using Structure = Collection;

template <class T, detail::only<T, Collection> = 0>
void from_json(const nlohmann::json& j, T& c) {
    detail::read_member(j, "id", c.id);
    detail::read_member(j, "workspaceSlug", c.workspace_slug);
    detail::read_member(j, "recordSlug", c.record_slug);
    detail::read_member(j, "name", c.name);
    detail::read_member(j, "description", c.description);
    detail::read_member(j, "properties", c.properties);
    detail::read_member(j, "status", c.status);
    detail::read_member(j, "schemaDiscoveryMode", c.schema_discovery_mode);
    if (c.schema_discovery_mode.empty()) {
        std::optional<bool> strict;
        detail::read_member(j, "isStrict", strict);
        if (strict) c.schema_discovery_mode = *strict ? SchemaDiscoveryMode::strict : SchemaDiscoveryMode::schemaless;
    }
    detail::read_member(j, "enableVersioning", c.enable_versioning);
    detail::read_member(j, "defaultSearchField", c.default_search_field);
    detail::read_member(j, "createdAt", c.created_at);
    detail::read_member(j, "updatedAt", c.updated_at);
    c.raw = j;
}

struct CreateCollectionInput {
    std::string name;
    std::string record_slug;  ///< kebab-case; the slug records are addressed by
    std::string description;
    std::vector<PropertyDefinition> properties;
    std::optional<SchemaDiscoveryMode> schema_discovery_mode;
    std::string default_search_field;
    std::optional<bool> enable_versioning;
};

template <class T, detail::only<T, CreateCollectionInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = {{"name", input.name}, {"recordSlug", input.record_slug}, {"properties", input.properties}};
    detail::write_member(j, "description", input.description);
    if (input.schema_discovery_mode) j["schemaDiscoveryMode"] = input.schema_discovery_mode->str();
    detail::write_member(j, "defaultSearchField", input.default_search_field);
    detail::write_member(j, "enableVersioning", input.enable_versioning);
}

/// Only the members that are set are sent.
struct UpdateCollectionInput {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::vector<PropertyDefinition>> properties;
    std::optional<SchemaDiscoveryMode> schema_discovery_mode;
    std::optional<std::string> default_search_field;
    std::optional<bool> enable_versioning;
};

template <class T, detail::only<T, UpdateCollectionInput> = 0>
void to_json(nlohmann::json& j, const T& input) {
    j = nlohmann::json::object();
    detail::write_member(j, "name", input.name);
    detail::write_member(j, "description", input.description);
    if (input.properties) j["properties"] = *input.properties;
    if (input.schema_discovery_mode) j["schemaDiscoveryMode"] = input.schema_discovery_mode->str();
    detail::write_member(j, "defaultSearchField", input.default_search_field);
    detail::write_member(j, "enableVersioning", input.enable_versioning);
}

/// The answer to validate(): whether a definition would be accepted, and why not.
struct SchemaValidation {
    bool valid = false;
    nlohmann::json errors;  ///< as the server sent them (usually [{field, message}])
    nlohmann::json raw;
};

template <class T, detail::only<T, SchemaValidation> = 0>
void from_json(const nlohmann::json& j, T& v) {
    detail::read_member(j, "valid", v.valid);
    detail::read_member(j, "errors", v.errors);
    v.raw = j;
}

namespace detail {
/// The route set of one schema manager.
struct SchemaRoutes {
    const Route& list;
    const Route& create;
    const Route& get;
    const Route& update;
    const Route& remove;
    const Route& by_slug;
    const Route& validate;
    const Route& restore;
};
inline const SchemaRoutes structure_routes{routes::structures_list,   routes::structures_create,
                                           routes::structures_get,    routes::structures_update,
                                           routes::structures_delete, routes::structures_by_slug,
                                           routes::structures_validate, routes::structures_restore};
inline const SchemaRoutes collection_routes{routes::collections_list,   routes::collections_create,
                                            routes::collections_get,    routes::collections_update,
                                            routes::collections_delete, routes::collections_by_slug,
                                            routes::collections_validate, routes::collections_restore};

/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// Templates only so that they compile on first use (see ManagerBase): name them
/// SchemaManager, StructuresManager and CollectionsManager.
template <class Unused = void>
class BasicSchemaManager : private ManagerBase {
public:
    BasicSchemaManager(std::shared_ptr<Core> core, const SchemaRoutes& routes)
        : ManagerBase(std::move(core)), routes_(routes) {}

    Page<Collection> list(const ListOptions& options = {}, const CallOptions& call = {}) { return list_op(options).run(call); }
    std::future<Page<Collection>> list_async(const ListOptions& options = {}, const CallOptions& call = {}) {
        return list_op(options).submit(call);
    }
    Collection get(std::string_view id, const CallOptions& call = {}) { return by(routes_.get, id).run(call); }
    std::future<Collection> get_async(std::string_view id, const CallOptions& call = {}) { return by(routes_.get, id).submit(call); }
    Collection get_by_slug(std::string_view record_slug, const CallOptions& call = {}) {
        return by(routes_.by_slug, record_slug).run(call);
    }
    std::future<Collection> get_by_slug_async(std::string_view record_slug, const CallOptions& call = {}) {
        return by(routes_.by_slug, record_slug).submit(call);
    }
    Collection create(const CreateCollectionInput& input, const CallOptions& call = {}) { return create_op(input).run(call); }
    std::future<Collection> create_async(const CreateCollectionInput& input, const CallOptions& call = {}) {
        return create_op(input).submit(call);
    }
    Collection update(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call = {}) {
        return update_op(id, input).run(call);
    }
    std::future<Collection> update_async(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call = {}) {
        return update_op(id, input).submit(call);
    }
    void remove(std::string_view id, const CallOptions& call = {}) { discard(routes_.remove, {id}).run(call); }
    std::future<void> remove_async(std::string_view id, const CallOptions& call = {}) {
        return discard(routes_.remove, {id}).submit(call);
    }
    Collection restore(std::string_view id, const CallOptions& call = {}) { return by(routes_.restore, id).run(call); }
    std::future<Collection> restore_async(std::string_view id, const CallOptions& call = {}) {
        return by(routes_.restore, id).submit(call);
    }
    /// Checks a definition without saving it.
    SchemaValidation validate(const CreateCollectionInput& input, const CallOptions& call = {}) {
        return validate_op(input).run(call);
    }
    std::future<SchemaValidation> validate_async(const CreateCollectionInput& input, const CallOptions& call = {}) {
        return validate_op(input).submit(call);
    }

private:
    detail::Op<Page<Collection>> list_op(const ListOptions& options) const {
        return page<Collection>(routes_.list, {}, paging(options.page, options.limit), "collections");
    }
    detail::Op<Collection> by(const detail::Route& route, std::string_view key) const {
        return one<Collection>(route, {key}, {}, nullptr, "collection");
    }
    detail::Op<Collection> create_op(const CreateCollectionInput& input) const {
        if (input.name.empty() || input.record_slug.empty())
            throw InvalidArgument("a collection needs a name and a record_slug");
        const nlohmann::json body = input;
        return one<Collection>(routes_.create, {}, {}, &body, "collection");
    }
    detail::Op<Collection> update_op(std::string_view id, const UpdateCollectionInput& input) const {
        const nlohmann::json body = input;
        return one<Collection>(routes_.update, {id}, {}, &body, "collection");
    }
    detail::Op<SchemaValidation> validate_op(const CreateCollectionInput& input) const {
        const nlohmann::json body = input;
        return one<SchemaValidation>(routes_.validate, {}, {}, &body, "validation result");
    }

    const detail::SchemaRoutes& routes_;
};

template <class Unused = void>
class BasicStructuresManager : public BasicSchemaManager<Unused> {
public:
    explicit BasicStructuresManager(std::shared_ptr<Core> core)
        : BasicSchemaManager<Unused>(std::move(core), structure_routes) {}
};

template <class Unused = void>
class BasicCollectionsManager : public BasicSchemaManager<Unused> {
public:
    explicit BasicCollectionsManager(std::shared_ptr<Core> core)
        : BasicSchemaManager<Unused>(std::move(core), collection_routes) {}
};
}  // namespace detail

using SchemaManager = detail::BasicSchemaManager<>;
using StructuresManager = detail::BasicStructuresManager<>;
using CollectionsManager = detail::BasicCollectionsManager<>;

CENTRALI_NAMESPACE_END
