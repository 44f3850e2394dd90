#pragma once
// client.files(): uploads to Centrali storage (streamed, with progress and cancellation) and
// folders.

#include <centrali/async.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/options.hpp>
#include <centrali/page.hpp>
#include <centrali/transport.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

CENTRALI_NAMESPACE_BEGIN

/// A stored file, as the upload answered. The response shape is UNCONFIRMED: members the server
/// did not send stay empty, and `raw` has everything it did send.
struct UploadedFile {
    std::string id;  ///< the file's id
    std::string render_id;  ///< what records store and delivery URLs use
    std::string url;  ///< a URL to fetch the file from (public only when is_public)
    std::string path;       ///< absolute, e.g. /root/shared/report.pdf
    std::string name;  ///< the file name
    std::optional<long long> size;  ///< in bytes; unset when not sent
    std::string content_type;  ///< `contentType`, or `mimeType` when that is what the server sent
    bool is_public = false;  ///< `isPublic`: whether render/download URLs work without authentication
    nlohmann::json raw;  ///< the whole object as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes an upload's answer; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, UploadedFile& f);

/// A storage folder. Paths are absolute: user files live under /root, uploads go to
/// /root/shared by default.
struct Folder {
    std::string id;  ///< the folder's id; create_subfolder() takes it
    std::string name;  ///< the folder's own name (not its path)
    std::string path;  ///< absolute, e.g. /root/shared/images
    std::string parent_path;  ///< `parentPath`: the absolute path of the folder it is in
    nlohmann::json raw;  ///< the whole object as received
    /// True when the service sent `member` (its camelCase name) as an explicit null; false when
    /// it sent a value or nothing.
    bool sent_null(std::string_view member) const { return detail::sent_null(raw, member); }
};

/// Decodes a folder; absent or null members keep their defaults.
void from_json(const nlohmann::json& j, Folder& f);

/// How upload_file() and upload_bytes() store a file.
struct UploadOptions {
    /// Absolute folder path under /root; empty: the server's default, /root/shared.
    std::string folder;
    bool is_public = false;       ///< public files get public render/download URLs
    std::string file_name;        ///< empty: the file's own name (path uploads) or "upload.bin"
    std::string content_type;     ///< empty: application/octet-stream
    /// Called as bytes go out (sent, total); never decreasing, and ends at total.
    ProgressCallback on_progress;
};

/// Every call has an `_async` twin (see async.hpp for its completion token). The folder routes
/// are documented; the upload route and its multipart field names (`file`, `location`,
/// `isPublic`) are UNCONFIRMED.
///
/// Every call throws a centrali::Error: an ApiError by status for a non-2xx answer (NotFound,
/// BadRequest, …), TransportError, DecodeError or Cancelled; InvalidArgument for an argument
/// that can never be valid, which the `_async` twins throw themselves instead of reporting it
/// through the token. Uploads are POSTs: like every POST, one is resent only after a connect
/// failure, unless CallOptions::idempotent is set.
class FilesManager : private detail::ManagerBase {
public:
    /// Made by the Client (Client::files()); not for direct use.
    explicit FilesManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// Streams the file at `path` from disk. Throws InvalidArgument, before sending anything,
    /// when the file cannot be opened for reading.
    UploadedFile upload_file(const std::string& path, const UploadOptions& options = {}, const CallOptions& call = {});
    /// upload_file() with `options` at its default, so that the call's options need no
    /// placeholder: `upload_file(path, call)`, not `upload_file(path, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    UploadedFile upload_file(const std::string& path, const Call& call) {
        return upload_file(path, UploadOptions{}, call);
    }
    /// upload_file() without blocking: the stored file, or the error, arrives through `token`. The
    /// InvalidArgument of a file that cannot be opened is thrown by this call itself.
    template <class Token = UseFuture>
    auto upload_file_async(const std::string& path, const UploadOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->upload_op(file_part(path, options), options, call).launch(std::forward<Token>(token));
    }
    /// upload_file_async() with `options` at its default, so that the call's options need no
    /// placeholder: `upload_file_async(path, call)`, not `upload_file_async(path, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto upload_file_async(const std::string& path, const Call& call, Token&& token = {}) {
        return upload_file_async(path, UploadOptions{}, call, std::forward<Token>(token));
    }

    /// Streams `bytes` from your memory, which must stay alive until the call completes;
    /// nothing is copied.
    UploadedFile upload_bytes(std::string_view bytes, const UploadOptions& options = {}, const CallOptions& call = {});
    /// upload_bytes() with `options` at its default, so that the call's options need no
    /// placeholder: `upload_bytes(bytes, call)`, not `upload_bytes(bytes, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    UploadedFile upload_bytes(std::string_view bytes, const Call& call) {
        return upload_bytes(bytes, UploadOptions{}, call);
    }
    /// upload_bytes() without blocking: the stored file, or the error, arrives through `token`.
    /// `bytes` must stay alive until the token is told the outcome.
    template <class Token = UseFuture>
    auto upload_bytes_async(std::string_view bytes, const UploadOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->upload_op(memory_part(bytes, options), options, call).launch(std::forward<Token>(token));
    }
    /// upload_bytes_async() with `options` at its default, so that the call's options need no
    /// placeholder: `upload_bytes_async(bytes, call)`, not `upload_bytes_async(bytes, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto upload_bytes_async(std::string_view bytes, const Call& call, Token&& token = {}) {
        return upload_bytes_async(bytes, UploadOptions{}, call, std::forward<Token>(token));
    }

    /// The workspace's folders.
    Page<Folder> list_folders(const CallOptions& call = {});
    /// list_folders() without blocking: the page, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto list_folders_async(const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_folders_op(call).launch(std::forward<Token>(token));
    }

    /// Creates `name` inside `parent_path` (default /root/shared) and returns it. Throws
    /// InvalidArgument, before sending anything, when `name` is empty.
    Folder create_folder(std::string_view name, std::string_view parent_path = "/root/shared", const CallOptions& call = {});
    /// create_folder() with `parent_path` at its default, so that the call's options need no
    /// placeholder: `create_folder(name, call)`, not `create_folder(name, {}, call)`.
    template <class Call, detail::IfCallOptions<Call> = 0>
    Folder create_folder(std::string_view name, const Call& call) {
        return create_folder(name, "/root/shared", call);
    }
    /// create_folder() without blocking: the folder, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto create_folder_async(std::string_view name, std::string_view parent_path = "/root/shared", const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_folder_op(name, parent_path, call).launch(std::forward<Token>(token));
    }
    /// create_folder_async() with `parent_path` at its default, so that the call's options need no
    /// placeholder: `create_folder_async(name, call)`, not `create_folder_async(name, {}, call)`.
    template <class Call, class Token = UseFuture, detail::IfCallOptions<Call> = 0>
    auto create_folder_async(std::string_view name, const Call& call, Token&& token = {}) {
        return create_folder_async(name, "/root/shared", call, std::forward<Token>(token));
    }

    /// Creates `name` inside the folder whose id (Folder::id) is `parent_folder_id`, and returns
    /// it. Throws InvalidArgument, before sending anything, when either is empty.
    Folder create_subfolder(std::string_view parent_folder_id, std::string_view name, const CallOptions& call = {});
    /// create_subfolder() without blocking: the folder, or the error, arrives through `token`.
    template <class Token = UseFuture>
    auto create_subfolder_async(std::string_view parent_folder_id, std::string_view name, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_subfolder_op(parent_folder_id, name, call).launch(std::forward<Token>(token));
    }

private:
    static MultipartPart file_part(const std::string& path, const UploadOptions& options);
    static MultipartPart memory_part(std::string_view bytes, const UploadOptions& options);
    detail::HttpOp<UploadedFile> upload_op(MultipartPart file, const UploadOptions& options, const CallOptions& call) const;
    detail::HttpOp<Page<Folder>> list_folders_op(const CallOptions& call) const;
    detail::HttpOp<Folder> create_folder_op(std::string_view name, std::string_view parent_path, const CallOptions& call) const;
    detail::HttpOp<Folder> create_subfolder_op(std::string_view parent_folder_id, std::string_view name,
                                               const CallOptions& call) const;
};

CENTRALI_NAMESPACE_END

#if CENTRALI_HEADER_ONLY
#include <centrali/impl/files.ipp>
#endif
