#include <centrali/client.hpp>

#include <iostream>

std::string make_url_a();
std::string make_url_b();

int main() {
    centrali::ClientOptions options;
    options.base_url = "https://centrali.io";
    options.workspace = "acme";
    centrali::Client client(options);
    (void)client.records();
    const bool ok = make_url_a() == centrali::detail::percent_encode("a b") && make_url_b() == make_url_a();
    std::cout << "odr " << (ok ? "ok" : "mismatch") << "\n";
    return ok ? 0 : 1;
}
