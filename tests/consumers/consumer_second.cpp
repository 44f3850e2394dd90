// A second translation unit that includes the whole SDK and makes a call: in header-only mode
// every definition it shares with consumer_main.cpp must be inline; in compiled mode none of
// them is here at all.
#include <centrali/client.hpp>

std::string second_translation_unit() {
    centrali::ClientOptions options;
    options.base_url = "http://127.0.0.1:1";
    options.workspace = "acme";
    options.token = "t";
    options.retry.max_attempts = 1;
    centrali::Client client(options);
    try {
        client.functions().list();
    } catch (const centrali::TransportError&) {
        return "second unit ok";
    }
    return "second unit: no error";
}
