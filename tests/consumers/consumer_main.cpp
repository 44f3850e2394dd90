// Built by each consumer project: proves the target links (libcurl and nlohmann included) and
// that a call fails with a typed error when nothing listens.
#include <centrali/client.hpp>

#include <iostream>

int main() {
    centrali::ClientOptions options;
    options.base_url = "http://127.0.0.1:1";
    options.workspace = "acme";
    options.token = "t";
    options.retry.max_attempts = 1;
    centrali::Client client(options);
    try {
        client.records().get("orders", "1");
    } catch (const centrali::TransportError& e) {
        std::cout << "centrali " << centrali::version_string << " consumer ok (" << (e.connect_failed() ? "refused" : "other")
                  << ")\n";
        return e.connect_failed() ? 0 : 1;
    }
    return 1;
}
