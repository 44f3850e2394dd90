#pragma once

#include <centrali/files.hpp>

#include <cstdio>

CENTRALI_NAMESPACE_BEGIN

CENTRALI_DECL void from_json(const nlohmann::json& j, UploadedFile& f) {
    f.id = detail::read_identity(j, "id", "an uploaded file", "renderId");
    const detail::TolerantReader read{j};
    read("renderId", f.render_id);
    read("url", f.url);
    read("path", f.path);
    read("name", f.name);
    read("size", f.size);
    read("contentType", f.content_type);
    if (f.content_type.empty()) read("mimeType", f.content_type);
    read("isPublic", f.is_public);
    f.raw = j;
}

CENTRALI_DECL void from_json(const nlohmann::json& j, Folder& f) {
    f.id = detail::read_identity(j, "id", "a folder");
    const detail::TolerantReader read{j};
    read("name", f.name);
    read("path", f.path);
    read("parentPath", f.parent_path);
    f.raw = j;
}

CENTRALI_DECL UploadedFile FilesManager::upload_file(const std::string& path, const UploadOptions& options, const CallOptions& call) {
    return upload_op(file_part(path, options), options, call).run();
}
CENTRALI_DECL UploadedFile FilesManager::upload_bytes(std::string_view bytes, const UploadOptions& options, const CallOptions& call) {
    return upload_op(memory_part(bytes, options), options, call).run();
}
CENTRALI_DECL Page<Folder> FilesManager::list_folders(const CallOptions& call) {
    return list_folders_op(call).run();
}
CENTRALI_DECL Folder FilesManager::create_folder(std::string_view name, std::string_view parent_path, const CallOptions& call) {
    return create_folder_op(name, parent_path, call).run();
}
CENTRALI_DECL Folder FilesManager::create_subfolder(std::string_view parent_folder_id, std::string_view name, const CallOptions& call) {
    return create_subfolder_op(parent_folder_id, name, call).run();
}

CENTRALI_DECL MultipartPart FilesManager::file_part(const std::string& path, const UploadOptions& options) {
    if (std::FILE* file = std::fopen(path.c_str(), "rb")) std::fclose(file);
    else throw InvalidArgument("cannot open the file to upload: " + path);
    MultipartPart part;
    part.file_path = path;
    const auto slash = path.find_last_of("/\\");
    part.filename = !options.file_name.empty() ? options.file_name
                    : slash == std::string::npos ? path
                                                 : path.substr(slash + 1);
    return part;
}

CENTRALI_DECL MultipartPart FilesManager::memory_part(std::string_view bytes, const UploadOptions& options) {
    MultipartPart part;
    part.borrowed = bytes;
    part.filename = options.file_name.empty() ? std::string("upload.bin") : options.file_name;
    return part;
}

/// Multipart fields (UNCONFIRMED names): `file`, `location`, `isPublic`.
CENTRALI_DECL detail::HttpOp<UploadedFile> FilesManager::upload_op(MultipartPart file, const UploadOptions& options,
                                                                   const CallOptions& call) const {
    file.name = "file";
    file.content_type = options.content_type.empty() ? "application/octet-stream" : options.content_type;
    std::vector<MultipartPart> parts;
    parts.push_back(std::move(file));
    if (!options.folder.empty()) parts.push_back(MultipartPart{"location", options.folder, {}, {}, {}, {}});
    parts.push_back(MultipartPart{"isPublic", options.is_public ? "true" : "false", {}, {}, {}, {}});
    return detail::HttpOp<UploadedFile>(
        core_, core_->make_multipart_call(detail::routes::files_upload, {}, std::move(parts), options.on_progress), call,
        &detail::as_object<UploadedFile>, "uploaded file");
}
CENTRALI_DECL detail::HttpOp<Page<Folder>> FilesManager::list_folders_op(const CallOptions& call) const {
    return page<Folder>(detail::routes::folders_list, {}, {}, "folders", call);
}
CENTRALI_DECL detail::HttpOp<Folder> FilesManager::create_folder_op(std::string_view name, std::string_view parent_path,
                                                                    const CallOptions& call) const {
    if (name.empty()) throw InvalidArgument("a folder needs a name");
    nlohmann::json body = nlohmann::json::object();
    body["name"] = name;
    body["parentPath"] = parent_path;
    return one<Folder>(detail::routes::folders_create, {}, {}, &body, "folder", call);
}
CENTRALI_DECL detail::HttpOp<Folder> FilesManager::create_subfolder_op(std::string_view parent_folder_id,
                                                                       std::string_view name, const CallOptions& call) const {
    if (name.empty()) throw InvalidArgument("a folder needs a name");
    nlohmann::json body = nlohmann::json::object();
    body["name"] = name;
    return one<Folder>(detail::routes::folders_create_sub, {parent_folder_id}, {}, &body, "folder", call);
}

CENTRALI_NAMESPACE_END
