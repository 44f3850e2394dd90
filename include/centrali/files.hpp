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

struct UploadedFile {
    std::string id;
    std::string render_id;  ///< what records store and delivery URLs use
    std::string url;
    std::string path;       ///< absolute, e.g. /root/shared/report.pdf
    std::string name;
    std::optional<long long> size;
    std::string content_type;
    bool is_public = false;
    nlohmann::json raw;
};

void from_json(const nlohmann::json& j, UploadedFile& f);

struct Folder {
    std::string id;
    std::string name;
    std::string path;
    std::string parent_path;
    nlohmann::json raw;
};

void from_json(const nlohmann::json& j, Folder& f);

struct UploadOptions {
    /// Absolute folder path under /root; empty: the server's default, /root/shared.
    std::string folder;
    bool is_public = false;       ///< public files get public render/download URLs
    std::string file_name;        ///< empty: the file's own name (path uploads) or "upload.bin"
    std::string content_type;     ///< empty: application/octet-stream
    /// Called as bytes go out (sent, total); never decreasing, and ends at total.
    ProgressCallback on_progress;
};

/// Every call has an `_async` twin (see async.hpp for its completion token).
class FilesManager : private detail::ManagerBase {
public:
    explicit FilesManager(std::shared_ptr<detail::Core> core) : ManagerBase(std::move(core)) {}

    /// Streams the file at `path` from disk.
    UploadedFile upload_file(const std::string& path, const UploadOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto upload_file_async(const std::string& path, const UploadOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->upload_op(file_part(path, options), options, call).launch(std::forward<Token>(token));
    }

    /// Streams `bytes` from your memory, which must stay alive until the call completes;
    /// nothing is copied.
    UploadedFile upload_bytes(std::string_view bytes, const UploadOptions& options = {}, const CallOptions& call = {});
    template <class Token = UseFuture>
    auto upload_bytes_async(std::string_view bytes, const UploadOptions& options = {}, const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->upload_op(memory_part(bytes, options), options, call).launch(std::forward<Token>(token));
    }

    Page<Folder> list_folders(const CallOptions& call = {});
    template <class Token = UseFuture>
    auto list_folders_async(const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->list_folders_op(call).launch(std::forward<Token>(token));
    }

    /// Creates `name` inside `parent_path` (default /root/shared).
    Folder create_folder(std::string_view name, std::string_view parent_path = "/root/shared", const CallOptions& call = {});
    template <class Token = UseFuture>
    auto create_folder_async(std::string_view name, std::string_view parent_path = "/root/shared", const CallOptions& call = {}, Token&& token = {}) {
        return detail::deferred<Token>(this)->create_folder_op(name, parent_path, call).launch(std::forward<Token>(token));
    }

    Folder create_subfolder(std::string_view parent_folder_id, std::string_view name, const CallOptions& call = {});
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
