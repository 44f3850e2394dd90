// Compute: create a function and an on-demand trigger, invoke it, and wait for the finished run
// (the JS SDK returns only a job id and leaves the polling to you).
//
// Configuration from the environment, as in quickstart.cpp.
#include <centrali/client.hpp>

#include <iostream>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());

        const auto function = client.functions().create(
            {"greet", "async function run() { return { hello: executionParams.payload.name }; }", "says hello", 30000});
        std::cout << "function " << function.id << " (" << function.name << ")\n";

        centrali::CreateTriggerInput trigger_input;
        trigger_input.name = "greet on demand";
        trigger_input.function_id = function.id;
        trigger_input.execution_type = centrali::TriggerType::on_demand;
        trigger_input.trigger_metadata = centrali::TriggerMetadata::on_demand();
        const auto trigger = client.triggers().create(trigger_input);
        std::cout << "trigger  " << trigger.id << " (" << trigger.execution_type << ")\n";

        centrali::WaitOptions wait;
        wait.deadline = std::chrono::seconds(60);
        const auto run = client.triggers().invoke_and_wait(trigger.id, {{"name", "Ada"}}, wait);
        std::cout << "run      " << run.id << " job " << run.job_id << " " << run.status << " -> " << run.run_data.dump()
                  << "\n";
        return 0;
    } catch (const centrali::FunctionRunFailed& e) {
        std::cerr << "run failed: " << e.run().error_code.value_or("") << " " << e.run().error_message.value_or("") << "\n";
        return 2;
    } catch (const centrali::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
