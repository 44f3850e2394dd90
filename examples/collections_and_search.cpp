// Collections, smart queries and search: define a collection with a schema, fill it, run a
// stored query with a variable, and search across collections.
//
// Configuration comes from the environment (ClientOptions::from_env), as in quickstart.cpp.
#include <centrali/client.hpp>

#include <iostream>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());

        // A JS object literal ports as one nlohmann::json.
        const auto schema = nlohmann::json{{"name", "Products"},
                                           {"recordSlug", "products"},
                                           {"properties", {{{"name", "title"}, {"type", "string"}, {"required", true}},
                                                           {{"name", "price"}, {"type", "number"}}}},
                                           {"defaultSearchField", "title"}}
                                .get<centrali::CreateCollectionInput>();
        const auto check = client.collections().validate(schema);
        std::cout << "schema   valid=" << std::boolalpha << check.valid << "\n";
        const auto products = client.collections().create(schema);
        std::cout << "collection " << products.record_slug << " (" << products.properties.size() << " properties)\n";

        for (const auto& [title, price] : {std::pair{"Laptop stand", 39}, {"Desk lamp", 25}, {"Laptop sleeve", 19}})
            client.records().create("products", {{"title", title}, {"price", price}});

        const nlohmann::json definition = {{"where", {{"data.price", {{"$gte", "{{min}}"}}}}},
                                           {"sort", {{{"field", "data.price"}, {"direction", "desc"}}}}};
        const auto stored = client.smart_queries().create("products", {"priced over", "products at or over a price", definition});
        const auto rows = client.smart_queries().execute("products", stored.id, {{"min", 20}});
        std::cout << "smart query \"" << stored.name << "\": " << rows.size() << " product(s)";
        for (const auto& row : rows) std::cout << " | " << row.data["title"].get<std::string>();
        std::cout << "\n";

        const auto found = client.search().query("laptop");
        std::cout << "search   \"laptop\": " << found.total_hits << " hit(s)\n";

        client.smart_queries().remove("products", stored.id);
        client.collections().remove(products.id);
        std::cout << "removed  the query and the collection\n";
        return 0;
    } catch (const centrali::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
