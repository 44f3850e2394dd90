// Files and allowed domains: upload bytes with progress into a new folder, list the folders, and
// allow a domain for compute functions' outbound calls.
//
// Configuration comes from the environment (ClientOptions::from_env), as in quickstart.cpp.
#include <centrali/client.hpp>

#include <iostream>
#include <string>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());

        const auto reports = client.files().create_folder("reports");
        std::cout << "folder   " << reports.path << "\n";

        const std::string csv = "id,total\n1,42.5\n2,7\n";
        centrali::UploadOptions upload;
        upload.folder = reports.path;
        upload.file_name = "orders.csv";
        upload.content_type = "text/csv";
        std::uint64_t reported = 0;
        upload.on_progress = [&reported](std::uint64_t sent, std::uint64_t) { reported = sent; };
        const auto file = client.files().upload_bytes(csv, upload);
        std::cout << "uploaded " << file.path << " (" << file.size.value_or(0) << " bytes; progress reported " << reported << ")\n";

        for (const auto& folder : client.files().list_folders()) std::cout << "listed   " << folder.path << "\n";

        const auto domain = client.allowed_domains().add("api.stripe.com");
        std::cout << "allowed  " << domain.domain << "\n";
        std::cout << "domains  " << client.allowed_domains().list().size() << "\n";
        client.allowed_domains().remove(domain.id);
        return 0;
    } catch (const centrali::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
