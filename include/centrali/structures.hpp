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

/// The type of a property (its `type` on the wire), as the Centrali docs list them. An
/// unknown value a newer server sends is kept as it came.
class PropertyType : public StringEnum<PropertyType> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const PropertyType string, number, boolean, datetime, array, object, reference;
};
inline const PropertyType PropertyType::string{"string"};        ///< `string`: text
inline const PropertyType PropertyType::number{"number"};        ///< `number`: an integer or a decimal
inline const PropertyType PropertyType::boolean{"boolean"};      ///< `boolean`: true or false
inline const PropertyType PropertyType::datetime{"datetime"};    ///< `datetime`: a date and time, stored as an ISO-8601 string
inline const PropertyType PropertyType::array{"array"};          ///< `array`: a list of values
inline const PropertyType PropertyType::object{"object"};        ///< `object`: a nested object
inline const PropertyType PropertyType::reference{"reference"};  ///< `reference`: a record of another collection (PropertyDefinition::target)

/// How a collection treats record fields its properties do not define (`schemaDiscoveryMode`).
/// The server's default is strict. In auto-evolving and schemaless mode Centrali suggests
/// properties for the unknown fields it sees. An unknown value a newer server sends is kept as
/// it came.
class SchemaDiscoveryMode : public StringEnum<SchemaDiscoveryMode> {
public:
    /// Empty by default, or any wire value, known to this SDK or not.
    using StringEnum::StringEnum;
    static const SchemaDiscoveryMode strict, auto_evolving, schemaless;
};
inline const SchemaDiscoveryMode SchemaDiscoveryMode::strict{"strict"};                ///< `strict`: unknown fields are rejected
inline const SchemaDiscoveryMode SchemaDiscoveryMode::auto_evolving{"auto-evolving"};  ///< `auto-evolving`: known fields are validated, unknown ones accepted
inline const SchemaDiscoveryMode SchemaDiscoveryMode::schemaless{"schemaless"};        ///< `schemaless`: any fields are accepted, none validated

/// A field of a collection. The wire names follow the vendor's own tooling (`isUnique`, not
/// `unique`); reference options (`target`, `relationship`) are UNCONFIRMED names.
struct PropertyDefinition {
    std::string name;  ///< the field's key in a record's data
    PropertyType type = PropertyType::string;  ///< `type`
    std::string description;  ///< sent only when not empty
    bool required = false;  ///< records must have this field; sent only when true
    bool is_unique = false;  ///< `isUnique`: no two records may share a value; sent only when true
    std::optional<bool> nullable;  ///< whether null is accepted; unset: not sent (the server's default)
    std::optional<bool> immutable;  ///< whether the value may not change once set; unset: not sent
    nlohmann::json default_value;  ///< `default`: the value a record gets without one; null: none
    std::vector<std::string> enum_values;  ///< `enum`: the only values allowed; empty: any (not sent)
    std::string target;        ///< reference fields: the referenced collection's slug
    std::string relationship;  ///< reference fields: e.g. many-to-one, many-to-many
    /// minLength, pattern, renderAs, …: sent and kept as is. Decoding stores the whole
    /// definition here (the members above included); encoding sends its members that have no
    /// field above, and the fields above that are set (an emptied field is not sent).
    nlohmann::json extra = nlohmann::json::object();
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(extra, member); }
};

/// Encodes a property for a request body: `extra`'s members without a field, and the fields that are set.
void to_json(nlohmann::json& j, const PropertyDefinition& p);

/// Decodes a property; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, PropertyDefinition& p);

/// A collection (older name: structure): the schema of one kind of record. Members the server
/// did not send stay empty.
struct Collection {
    std::string id;  ///< the collection's id (a UUID); get(), update(), remove() and restore() take it
    std::string workspace_slug;  ///< `workspaceSlug`: the workspace it belongs to
    std::string record_slug;  ///< `recordSlug`: the slug its records are addressed by (records().query(slug))
    std::string name;  ///< the human-readable name
    std::string description;  ///< empty when it has none
    std::vector<PropertyDefinition> properties;  ///< the fields its records have
    std::string status;  ///< active | inactive
    /// `schemaDiscoveryMode`, or, from older servers, derived from isStrict (true: strict,
    /// false: schemaless); empty when the server sent neither.
    SchemaDiscoveryMode schema_discovery_mode;
    std::optional<bool> enable_versioning;  ///< `enableVersioning`: whether definition changes are versioned
    std::string default_search_field;  ///< `defaultSearchField`: the field text search uses when a query names none
    /// `isStrict` as sent, by older servers (newer ones send schemaDiscoveryMode instead); empty
    /// when not sent. The SDK reads it into schema_discovery_mode too when that is absent.
    std::optional<bool> is_strict;
    /// `retentionPolicy` as sent (its shape is not documented); null when absent.
    nlohmann::json retention_policy;
    std::string created_at;  ///< `createdAt`, as the server sent it (ISO-8601)
    std::string updated_at;  ///< `updatedAt`, as the server sent it (ISO-8601)
    nlohmann::json raw;  ///< the whole object as received, for the members this SDK does not model
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};
/// The older name of Collection (client.structures() returns the same type).
using Structure = Collection;

/// Decodes a collection; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, Collection& c);

/// A new collection, for create() and validate(). name, record_slug and properties are always
/// sent; the other members only when set (not empty).
struct CreateCollectionInput {
    std::string name;  ///< required by create() (InvalidArgument when empty)
    std::string record_slug;  ///< kebab-case; the slug records are addressed by. Required by create()
    std::string description;  ///< sent only when not empty
    std::vector<PropertyDefinition> properties;  ///< always sent, even empty (a schemaless collection may have none)
    std::optional<SchemaDiscoveryMode> schema_discovery_mode;  ///< unset: the server's default (strict)
    std::string default_search_field;  ///< `defaultSearchField`; sent only when not empty
    std::optional<bool> enable_versioning;  ///< `enableVersioning`; unset: not sent
};

/// Encodes the request body of create() and validate().
void to_json(nlohmann::json& j, const CreateCollectionInput& input);
/// Reads a CreateCollectionInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, CreateCollectionInput& input);

/// Only the members that are set are sent.
struct UpdateCollectionInput {
    std::optional<std::string> name;  ///< the new name
    std::optional<std::string> description;  ///< the new description; an empty string is sent as given
    std::optional<std::vector<PropertyDefinition>> properties;  ///< sent as given, as the complete list (nothing is merged with the stored one)
    std::optional<SchemaDiscoveryMode> schema_discovery_mode;  ///< `schemaDiscoveryMode`
    std::optional<std::string> default_search_field;  ///< `defaultSearchField`
    std::optional<bool> enable_versioning;  ///< `enableVersioning`
};

/// Encodes the request body of update(): only the members that are set.
void to_json(nlohmann::json& j, const UpdateCollectionInput& input);
/// Reads a UpdateCollectionInput from JSON in the JS SDK's spelling (camelCase members, as to_json writes
/// them), so a JS object literal ports as one `nlohmann::json`. A member of the wrong type
/// throws DecodeError naming it; members the struct has no field for are ignored.
void from_json(const nlohmann::json& j, UpdateCollectionInput& input);

/// The answer to validate(): whether a definition would be accepted, and why not.
struct SchemaValidation {
    bool valid = false;  ///< `valid`; false too when the server did not send it
    nlohmann::json errors;  ///< as the server sent them (usually [{field, message}])
    nlohmann::json raw;  ///< the whole answer as received
};

/// Decodes the answer to validate().
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
    const Route& bulk_create;
    const Route& bulk_delete;
    const Route& bulk_delete_properties;
    /// The member of bulk_create()'s body that holds the definitions: the route set's own name.
    const char* bulk_key;
};
}  // namespace detail

/// What structures() and collections() share. Every call has an `_async` twin (see async.hpp
/// for its completion token).
///
/// Every call throws a centrali::Error: an ApiError by status for a non-2xx answer (NotFound,
/// BadRequest, …), TransportError, DecodeError or Cancelled; InvalidArgument for an argument
/// that can never be valid (an empty id), which the `_async` twins throw themselves instead of
/// reporting it through the token. Routes: the structures paths list, create, get, update and
/// remove are documented; by-slug, validate and restore, and every collections path, are
/// UNCONFIRMED.
class SchemaManager : private detail::ManagerBase {
public:
    /// Made by the Client for StructuresManager and CollectionsManager; not for direct use.
    SchemaManager(std::shared_ptr<detail::Core> core, const detail::SchemaRoutes& routes)
        : ManagerBase(std::move(core)), routes_(routes) {}

    /// One page of the workspace's collections. `options.page` and `options.page_size` (as
    /// `limit`) are sent when set (otherwise the server's defaults apply).
    Page<Collection> list(const ListOptions& options = {}, const CallOptions& call = {});
    /// list() with `options` at its default, so that the call's options need no
    /// placeholder: `list(call)`, not `list({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Page<Collection> list(const Call& call) {
        return list(ListOptions{}, call);
    }
    /// list() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_async(const ListOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_op(options, call).launch(std::forward<Token>(token));
    }
    /// list_async() with `options` at its default, so that the call's options need no
    /// placeholder: `list_async(call)`, not `list_async({}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto list_async(const Call& call, Token&& token = {}) {
        return list_async(ListOptions{}, call, std::forward<Token>(token));
    }
    /// Every collection of the workspace, page by page as iteration needs them (see PageRange): list() from
    /// options.page (or 1) in pages of options.page_size (or 100). Nothing is sent before the
    /// range's begin(); `call` applies to each page's request. No `_async` twin: list_async()
    /// is the page-at-a-time call without blocking.
    PageRange<Collection> list_all(const ListOptions& options = {}, const CallOptions& call = {});
    /// list_all() with `options` at its default, so that the call's options need no
    /// placeholder: `list_all(call)`, not `list_all({}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    PageRange<Collection> list_all(const Call& call) {
        return list_all(ListOptions{}, call);
    }

    /// The collection with this id; NotFound when there is none.
    Collection get(std::string_view id, const CallOptions& call = {});
    /// get() without blocking: the collection, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by(routes_.get, id, call).launch(std::forward<Token>(token));
    }

    /// The collection whose records are addressed by `record_slug`; NotFound when there is none.
    Collection get_by_slug(std::string_view record_slug, const CallOptions& call = {});
    /// get_by_slug() without blocking: the collection, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto get_by_slug_async(std::string_view record_slug, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by(routes_.by_slug, record_slug, call).launch(std::forward<Token>(token));
    }

    /// Creates a collection and returns it as stored. Throws InvalidArgument, before sending
    /// anything, when `input.name` or `input.record_slug` is empty.
    Collection create(const CreateCollectionInput& input, const CallOptions& call = {});
    /// create() without blocking: the collection, or the error, arrives through `token`. The
    /// InvalidArgument of an empty name or record_slug is thrown by this call itself.
    template <class Token = UseFuture>
    auto create_async(const CreateCollectionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_op(input, call).launch(std::forward<Token>(token));
    }

    /// Changes the members of `input` that are set (PUT) and returns the collection as stored.
    Collection update(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call = {});
    /// update() without blocking: the collection, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto update_async(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->update_op(id, input, call).launch(std::forward<Token>(token));
    }

    /// Deletes the collection (see restore()). The response body is not read: any 2xx succeeds.
    void remove(std::string_view id, const CallOptions& call = {});
    /// remove() without blocking: success, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto remove_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->discard(routes_.remove, {id}, call).launch(std::forward<Token>(token));
    }

    /// Brings back a deleted collection and returns it.
    Collection restore(std::string_view id, const CallOptions& call = {});
    /// restore() without blocking: the collection, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto restore_async(std::string_view id, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->by(routes_.restore, id, call).launch(std::forward<Token>(token));
    }

    /// Checks a definition without saving it. Unlike create(), it does not check `input`
    /// itself. Whether the server reports an invalid definition as `valid == false` or as a
    /// BadRequest is UNCONFIRMED.
    SchemaValidation validate(const CreateCollectionInput& input, const CallOptions& call = {});
    /// validate() without blocking: the verdict, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto validate_async(const CreateCollectionInput& input, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->validate_op(input, call).launch(std::forward<Token>(token));
    }

    /// Creates several collections in one request and returns them as stored, in the order
    /// given. Throws InvalidArgument, before sending anything, when `inputs` is empty or one of
    /// them lacks a name or a record_slug. Route and body UNCONFIRMED; whether the server keeps
    /// the others when it refuses one is too (the emulator creates all or none).
    std::vector<Collection> bulk_create(const std::vector<CreateCollectionInput>& inputs, const CallOptions& call = {});
    /// bulk_create() without blocking: the collections, or the error, arrive through `token`.
    /// The InvalidArgument of an empty list or an incomplete input is thrown by this call itself.
    template <class Token = UseFuture>
    auto bulk_create_async(const std::vector<CreateCollectionInput>& inputs, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->bulk_create_op(inputs, call).launch(std::forward<Token>(token));
    }

    /// Deletes several collections in one request, as remove() deletes one (restore() brings
    /// each back). The response body is not read: any 2xx succeeds. Throws InvalidArgument,
    /// before sending anything, when `ids` is empty or holds an empty id. Route and body
    /// UNCONFIRMED.
    void bulk_delete(const std::vector<std::string>& ids, const CallOptions& call = {});
    /// bulk_delete() without blocking: success, or the error, arrives through `token`. The
    /// InvalidArgument of an empty list or id is thrown by this call itself.
    template <class Token = UseFuture>
    auto bulk_delete_async(const std::vector<std::string>& ids, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->bulk_delete_op(ids, call).launch(std::forward<Token>(token));
    }

    /// Removes the properties named in `property_names` from the collection `id` in one
    /// request, and returns the collection as stored. Unlike update(), the other properties
    /// need not be sent. Throws InvalidArgument, before sending anything, when `id` is empty or
    /// `property_names` is empty or holds an empty name. Route and body UNCONFIRMED.
    Collection bulk_delete_properties(std::string_view id, const std::vector<std::string>& property_names,
                                      const CallOptions& call = {});
    /// bulk_delete_properties() without blocking: the collection, or the error, arrives through
    /// `token`. The InvalidArgument of an empty id, list or name is thrown by this call itself.
    template <class Token = UseFuture>
    auto bulk_delete_properties_async(std::string_view id, const std::vector<std::string>& property_names,
                                      const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->bulk_delete_properties_op(id, property_names, call).launch(std::forward<Token>(token));
    }

private:
    detail::HttpOp<Page<Collection>> list_op(const ListOptions& options, const CallOptions& call) const;
    detail::HttpOp<Collection> by(const detail::Route& route, std::string_view key, const CallOptions& call) const;
    detail::HttpOp<Collection> create_op(const CreateCollectionInput& input, const CallOptions& call) const;
    detail::HttpOp<Collection> update_op(std::string_view id, const UpdateCollectionInput& input, const CallOptions& call) const;
    detail::HttpOp<SchemaValidation> validate_op(const CreateCollectionInput& input, const CallOptions& call) const;
    detail::HttpOp<std::vector<Collection>> bulk_create_op(const std::vector<CreateCollectionInput>& inputs,
                                                           const CallOptions& call) const;
    detail::HttpOp<void> bulk_delete_op(const std::vector<std::string>& ids, const CallOptions& call) const;
    detail::HttpOp<Collection> bulk_delete_properties_op(std::string_view id, const std::vector<std::string>& property_names,
                                                         const CallOptions& call) const;

    const detail::SchemaRoutes& routes_;
};

/// client.structures(): the SchemaManager calls on the `…/structures` routes (the older name,
/// the one the data service's route table documents).
class StructuresManager : public SchemaManager {
public:
    /// Made by the Client (Client::structures()); not for direct use.
    explicit StructuresManager(std::shared_ptr<detail::Core> core);
};

/// client.collections(): the SchemaManager calls on the `…/collections` routes (the newer,
/// user-facing name; every path UNCONFIRMED).
class CollectionsManager : public SchemaManager {
public:
    /// Made by the Client (Client::collections()); not for direct use.
    explicit CollectionsManager(std::shared_ptr<detail::Core> core);
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/structures.ipp>
#endif
