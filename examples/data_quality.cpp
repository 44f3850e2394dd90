// Data quality: per-collection settings (AI validation on, in advisory mode; anomaly analysis
// daily at high sensitivity), a validation scan that finds typos (accept one suggestion, reject
// the other) and an anomaly analysis that flags an outlier (acknowledge it, then summarise).
//
// Configuration comes from the environment (ClientOptions::from_env), as in quickstart.cpp.
#include <centrali/client.hpp>

#include <iostream>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());

        for (const char* slug : {"customers", "orders"}) {
            centrali::CreateCollectionInput collection;
            collection.name = slug;
            collection.record_slug = slug;
            client.collections().create(collection);
        }
        centrali::UpdateValidationConfigInput validation;
        validation.enabled = true;
        validation.mode = centrali::ValidationMode::advisory;
        validation.confidence_threshold = 80;
        const auto checked = client.validation().update_config("customers", validation);
        std::cout << "validate " << checked.record_slug << ": " << checked.mode << " at "
                  << checked.confidence_threshold.value_or(0) << " %\n";
        centrali::UpdateInsightConfigInput analysis;
        analysis.schedule = centrali::InsightSchedule::daily;
        analysis.sensitivity = centrali::InsightSensitivity::high;
        const auto watched = client.anomaly_insights().update_config("orders", analysis);
        std::cout << "analyse  " << watched.record_slug << ": " << watched.schedule << ", " << watched.sensitivity << "\n";

        for (const char* city : {"Pariss", "Berlinn", "Rome"}) client.records().create("customers", {{"city", city}});
        const auto scan = client.validation().scan("customers");
        std::cout << "scan     " << scan.id << "\n";

        centrali::ListSuggestionsOptions pending;
        pending.record_slug = "customers";
        pending.status = centrali::SuggestionStatus::pending;
        const auto suggestions = client.validation().list_suggestions(pending);
        for (const auto& suggestion : suggestions)
            std::cout << "suggest  " << suggestion.field << ": " << suggestion.current_value.dump() << " -> "
                      << suggestion.suggested_value.dump() << " (" << suggestion.issue_type << ")\n";
        if (suggestions.size() >= 2) {
            std::cout << "accepted " << client.validation().accept(suggestions.items[0].id).status << "\n";
            std::cout << "rejected " << client.validation().reject(suggestions.items[1].id).status << "\n";
        }

        for (int total : {10, 11, 9, 10, 12, 1000}) client.records().create("orders", {{"total", total}});
        const auto insights = client.anomaly_insights().analyze("orders");
        for (const auto& insight : insights) {
            std::cout << "insight  " << insight.type << " " << insight.details.dump() << "\n";
            client.anomaly_insights().acknowledge(insight.id);
        }
        const auto summary = client.anomaly_insights().summary("orders");
        std::cout << "summary  " << summary.total << " insight(s)\n";
        return 0;
    } catch (const centrali::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
