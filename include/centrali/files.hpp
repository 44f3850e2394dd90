#pragma once
// client.files(): uploads to Centrali storage (streamed, with progress and cancellation) and
// folders.

#include <centrali/detail/first_use.hpp>
#include <centrali/detail/manager.hpp>
#include <centrali/page.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <future>
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

template <class T, detail::only<T, UploadedFile> = 0>
void from_json(const nlohmann::json& j, T& f) {
    detail::read_member(j, "id", f.id);
    detail::read_member(j, "renderId", f.render_id);
    detail::read_member(j, "url", f.url);
    detail::read_member(j, "path", f.path);
    detail::read_member(j, "name", f.name);
    detail::read_member(j, "size", f.size);
    detail::read_member(j, "contentType", f.content_type);
    if (f.content_type.empty()) detail::read_member(j, "mimeType", f.content_type);
    detail::read_member(j, "isPublic", f.is_public);
    f.raw = j;
}

struct Folder {
    std::string id;
    std::string name;
    std::string path;
    std::string parent_path;
    nlohmann::json raw;
};

template <class T, detail::only<T, Folder> = 0>
void from_json(const nlohmann::json& j, T& f) {
    detail::read_member(j, "id", f.id);
    detail::read_member(j, "name", f.name);
    detail::read_member(j, "path", f.path);
    detail::read_member(j, "parentPath", f.parent_path);
    f.raw = j;
}

struct UploadOptions {
    /// Absolute folder path under /root; empty: the server's default, /root/shared.
    std::string folder;
    bool is_public = false;       ///< public files get public render/download URLs
    std::string file_name;        ///< empty: the file's own name (path uploads) or "upload.bin"
    std::string content_type;     ///< empty: application/octet-stream
    /// Called as bytes go out (sent, total); never decreasing, and ends at total.
    ProgressCallback on_progress;
};

namespace detail {
/// Every call has an `_async` twin that runs on the Client's event loop and returns a future.
/// A template only so that it compiles on first use (see ManagerBase): name it FilesManager.
template <class Unused = void>
class BasicFilesManager : private ManagerBase {
public:
    explicit BasicFilesManager(std::shared_ptr<Core> core) : ManagerBase(std::move(core)) {}

    /// Streams the file at `path` from disk.
    UploadedFile upload_file(const std::string& path, const UploadOptions& options = {}, const CallOptions& call = {}) {
        return upload_op(file_part(path, options), options).run(call);
    }
    std::future<UploadedFile> upload_file_async(const std::string& path, const UploadOptions& options = {},
                                                const CallOptions& call = {}) {
        return upload_op(file_part(path, options), options).submit(call);
    }

    /// Streams `bytes` from your memory, which must stay alive until the call completes;
    /// nothing is copied.
    UploadedFile upload_bytes(std::string_view bytes, const UploadOptions& options = {}, const CallOptions& call = {}) {
        return upload_op(memory_part(bytes, options), options).run(call);
    }
    std::future<UploadedFile> upload_bytes_async(std::string_view bytes, const UploadOptions& options = {},
                                                 const CallOptions& call = {}) {
        return upload_op(memory_part(bytes, options), options).submit(call);
    }

    Page<Folder> list_folders(const CallOptions& call = {}) { return list_folders_op().run(call); }
    std::future<Page<Folder>> list_folders_async(const CallOptions& call = {}) { return list_folders_op().submit(call); }

    /// Creates `name` inside `parent_path` (default /root/shared).
    Folder create_folder(std::string_view name, std::string_view parent_path = "/root/shared", const CallOptions& call = {}) {
        return create_folder_op(name, parent_path).run(call);
    }
    std::future<Folder> create_folder_async(std::string_view name, std::string_view parent_path = "/root/shared",
                                            const CallOptions& call = {}) {
        return create_folder_op(name, parent_path).submit(call);
    }

    Folder create_subfolder(std::string_view parent_folder_id, std::string_view name, const CallOptions& call = {}) {
        return create_subfolder_op(parent_folder_id, name).run(call);
    }
    std::future<Folder> create_subfolder_async(std::string_view parent_folder_id, std::string_view name,
                                               const CallOptions& call = {}) {
        return create_subfolder_op(parent_folder_id, name).submit(call);
    }

private:
    static std::string base_name(const std::string& path) {
        const auto slash = path.find_last_of("/\\");
        return slash == std::string::npos ? path : path.substr(slash + 1);
    }

    static MultipartPart file_part(const std::string& path, const UploadOptions& options) {
        if (std::FILE* file = std::fopen(path.c_str(), "rb")) std::fclose(file);
        else throw InvalidArgument("cannot open the file to upload: " + path);
        MultipartPart part;
        part.file_path = path;
        part.filename = options.file_name.empty() ? base_name(path) : options.file_name;
        return part;
    }

    static MultipartPart memory_part(std::string_view bytes, const UploadOptions& options) {
        MultipartPart part;
        part.borrowed = bytes;
        part.filename = options.file_name.empty() ? std::string("upload.bin") : options.file_name;
        return part;
    }

    /// Multipart fields (UNCONFIRMED names): `file`, `location`, `isPublic`.
    detail::Op<UploadedFile> upload_op(MultipartPart file, const UploadOptions& options) const {
        file.name = "file";
        file.content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
        std::vector<MultipartPart> parts;
        parts.push_back(std::move(file));
        if (!options.folder.empty()) parts.push_back(MultipartPart{"location", options.folder, {}, {}, {}, {}});
        parts.push_back(MultipartPart{"isPublic", options.is_public ? "true" : "false", {}, {}, {}, {}});
        return detail::Op<UploadedFile>(core_,
                                        core_->make_multipart_call(detail::routes::files_upload, {}, std::move(parts),
                                                                   options.on_progress),
                                        [](nlohmann::json&& response) {
                                            return detail::Decoder<UploadedFile>::decode(
                                                std::move(detail::unwrap_object(response, "uploaded file")), "uploaded file");
                                        });
    }
    detail::Op<Page<Folder>> list_folders_op() const {
        return page<Folder>(detail::routes::folders_list, {}, {}, "folders");
    }
    detail::Op<Folder> create_folder_op(std::string_view name, std::string_view parent_path) const {
        if (name.empty()) throw InvalidArgument("a folder needs a name");
        const nlohmann::json body = {{"name", name}, {"parentPath", parent_path}};
        return one<Folder>(detail::routes::folders_create, {}, {}, &body, "folder");
    }
    detail::Op<Folder> create_subfolder_op(std::string_view parent_folder_id, std::string_view name) const {
        if (name.empty()) throw InvalidArgument("a folder needs a name");
        const nlohmann::json body = {{"name", name}};
        return one<Folder>(detail::routes::folders_create_sub, {parent_folder_id}, {}, &body, "folder");
    }
};
}  // namespace detail

using FilesManager = detail::BasicFilesManager<>;

CENTRALI_NAMESPACE_END
