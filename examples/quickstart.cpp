// Quick start: create, read, query (with a filter and the total), update and delete a record.
//
// Configuration comes from the environment (ClientOptions::from_env):
//   CENTRALI_URL, CENTRALI_WORKSPACE and one credential: CENTRALI_TOKEN, CENTRALI_PUBLISHABLE_KEY
//   or CENTRALI_CLIENT_ID + CENTRALI_CLIENT_SECRET.
// `scripts/demo.sh` runs it against the local emulator.
#include <centrali/client.hpp>

#include <iostream>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());
        auto& records = client.records();

        const auto order = records.create("orders", {{"customer", "Ada"}, {"total", 42.5}, {"status", "pending"}});
        std::cout << "created  " << order.id << " " << order.data.dump() << "\n";

        const auto fetched = records.get("orders", order.id);
        std::cout << "fetched  " << fetched.id << " status=" << fetched.data["status"] << "\n";

        records.create("orders", {{"customer", "Grace"}, {"total", 7}, {"status", "paid"}});
        const auto pending = records.query("orders", centrali::RecordQuery()
                                                         .where("data.status", "pending")
                                                         .where("data.total", centrali::FilterOp::gte, 10)
                                                         .sort_by("createdAt", centrali::RecordQuery::SortOrder::descending)
                                                         .include_total());
        std::cout << "query    " << pending.size() << " pending order(s) over 10, total=" << pending.meta.total.value_or(-1)
                  << "\n";

        const auto paid = records.update("orders", order.id, {{"status", "paid"}});
        std::cout << "updated  " << paid.id << " status=" << paid.data["status"] << " version=" << paid.version.value_or(0)
                  << "\n";

        records.remove("orders", order.id);
        std::cout << "deleted  " << order.id << "\n";
        return 0;
    } catch (const centrali::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
