#pragma once
// client.structures() and client.collections(): the schemas of records. "Collection" is the
// newer name of "structure"; the JS SDK 4.4.5 ships both managers, and so do we (one class,
// two route sets).

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>
#include <centrali/string_enum.hpp>

#include <nlohmann/json.hpp>

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

void to_json(nlohmann::json& j, const PropertyDefinition& p);

void from_json(const nlohmann::json& j, PropertyDefinition& p);

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

void from_json(const nlohmann::json& j, Collection& c);

struct CreateCollectionInput {
    std::string name;
    std::string record_slug;  ///< kebab-case; the slug records are addressed by
    std::string description;
    std::vector<PropertyDefinition> properties;
    std::optional<SchemaDiscoveryMode> schema_discovery_mode;
    std::string default_search_field;
    std::optional<bool> enable_versioning;
};

void to_json(nlohmann::json& j, const CreateCollectionInput& input);

/// Only the members that are set are sent.
struct UpdateCollectionInput {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::vector<PropertyDefinition>> properties;
    std::optional<SchemaDiscoveryMode> schema_discovery_mode;
    std::optional<std::string> default_search_field;
    std::optional<bool> enable_versioning;
};

void to_json(nlohmann::json& j, const UpdateCollectionInput& input);

/// The answer to validate(): whether a definition would be accepted, and why not.
struct SchemaValidation {
    bool valid = false;
    nlohmann::json errors;  ///< as the server sent them (usually [{field, message}])
    nlohmann::json raw;
};

void from_json(const nlohmann::json& j, SchemaValidation& v);

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
}  // namespace detail

/// What structures() and collections() share. Every call has an `_async` twin (see async.hpp
/// for its completion token).
class SchemaManager : private detail::ManagerBase {
public:
    SchemaManager(std::shared_ptr<detail::Core> core, const detail::SchemaRoutes& routes)
        : ManagerBase(std::move(core)), routes_(routes) {}

    Page<Collection> list(const ListOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_async(const ListOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }

    Collection get(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by(routes_.get, id, call).launch(std::forward<Token>(token));
    }

    Collection get_by_slug(std::string_view record_slug, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto get_by_slug_async(std::string_view record_slug, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by(routes_.by_slug, record_slug, call).launch(std::forward<Token>(token));
    }

    Collection create(const CreateCollectionInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto create_async(const CreateCollectionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    Collection update(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto update_async(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(id, input, call).launch(std::forward<Token>(token));
    }

    void remove(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto remove_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->discard(routes_.remove, {id}, call).launch(std::forward<Token>(token));
    }

    Collection restore(std::string_view id, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto restore_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by(routes_.restore, id, call).launch(std::forward<Token>(token));
    }

    /// Checks a definition without saving it.
    SchemaValidation validate(const CreateCollectionInput& input, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto validate_async(const CreateCollectionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->validate_op(input, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<Collection>> list_op(const ListOptions& options, const CallOptions& call) const;
    detail::HttpOp<Collection> by(const detail::Route& route, std::string_view key, const CallOptions& call) const;
    detail::HttpOp<Collection> create_op(const CreateCollectionInput& input, const CallOptions& call) const;
    detail::HttpOp<Collection> update_op(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call) const;
    detail::HttpOp<SchemaValidation> validate_op(const CreateCollectionInput& input, const CallOptions& call) const;

    const detail::SchemaRoutes& routes_;
};

class StructuresManager : public SchemaManager {
public:
    explicit StructuresManager(std::shared_ptr<detail::Core> core);
};

class CollectionsManager : public SchemaManager {
public:
    explicit CollectionsManager(std::shared_ptr<detail::Core> core);
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/structures.ipp>
#endif
