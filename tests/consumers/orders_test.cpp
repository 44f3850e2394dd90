// A user's own test, as a consumer project writes it: configuration from the environment, which
// centrali_add_emulator_test() fills with a fresh emulator's address and token.
#include <centrali/client.hpp>

#include <iostream>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());
        const auto order = client.records().create("orders", {{"customer", "Ada"}, {"total", 42.5}});
        const auto same = client.records().get("orders", order.id);
        if (same.data.value("customer", "") != "Ada") {
            std::cerr << "orders_test: read back " << same.data.dump() << "\n";
            return 1;
        }
        client.records().remove("orders", order.id);
        std::cout << "orders_test: created, read back and removed " << order.id << "\n";
        return 0;
    } catch (const centrali::Error& e) {
        std::cerr << "orders_test: " << e.what() << "\n";
        return 1;
    }
}
