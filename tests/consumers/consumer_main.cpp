// Built by each consumer project, once header-only and once against centrali::compiled: proves
// the target links (libcurl and nlohmann included), that two translation units of a program can
// both use the SDK, and that a call fails with a typed error when nothing listens.
#include <centrali/client.hpp>

#include <iostream>

std::string second_translation_unit();  // consumer_second.cpp

int main() {
    centrali::ClientOptions options;
    options.base_url = "http://127.0.0.1:1";
    options.workspace = "acme";
    options.token = "t";
    options.retry.max_attempts = 1;
    centrali::Client client(options);
    const char* mode = CENTRALI_HEADER_ONLY ? "header-only" : "compiled";
    try {
        client.records().get("orders", "1");
    } catch (const centrali::TransportError& e) {
        std::cout << "centrali " << centrali::version_string << " consumer ok, " << mode << " ("
                  << (e.connect_failed() ? "refused" : "other") << ", " << second_translation_unit() << ")\n";
        return e.connect_failed() ? 0 : 1;
    }
    return 1;
}
