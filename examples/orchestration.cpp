// Orchestrations: a three-step workflow (validate → decide → charge) whose steps pass their
// outputs forward, started and waited for in one call.
//
// Configuration from the environment, as in quickstart.cpp.
#include <centrali/client.hpp>

#include <iostream>

int main() {
    try {
        centrali::Client client(centrali::ClientOptions::from_env());

        auto validate_fn = client.functions().create(
            {"validate-order", "async function run() { return { valid: triggerParams.input.total > 0 }; }", "", 30000});
        auto charge_fn = client.functions().create(
            {"charge-order", "async function run() { return { charged: true }; }", "", 30000});

        centrali::OrchestrationStep validate;
        validate.id = "validate";
        validate.name = "Validate the order";
        validate.function_id = validate_fn.id;
        validate.next_step_id = "decide";

        centrali::OrchestrationStep decide;
        decide.id = "decide";
        decide.type = centrali::StepType::decision;
        decide.cases = {{"input.total", "gt", 0, "charge"}};  // a path into the run context
        decide.default_next_step_id = "charge";

        centrali::OrchestrationStep charge;
        charge.id = "charge";
        charge.name = "Charge the card";
        charge.function_id = charge_fn.id;
        charge.encrypted_params = {{"paymentKey", "sk_demo_not_a_real_key"}};  // encrypted at rest, never logged

        centrali::CreateOrchestrationInput flow;
        flow.slug = "order-flow";
        flow.name = "Order flow";
        flow.trigger.type = "on-demand";  // required: started by start() / start_and_wait()
        flow.steps = {validate, decide, charge};
        flow.status = centrali::OrchestrationStatus::active;
        const auto orchestration = client.orchestrations().create(flow);
        std::cout << "orchestration " << orchestration.id << " (" << orchestration.steps.size() << " steps)\n";

        centrali::WaitOptions wait;
        wait.deadline = std::chrono::seconds(60);
        const auto run = client.orchestrations().start_and_wait(orchestration.id, {{"orderId", 42}, {"total", 99.5}}, wait);
        std::cout << "run " << run.id << " " << run.status << "\n";
        for (const auto& step : run.steps) std::cout << "  step " << step.step_id << " " << step.status << " -> " << step.output.dump() << "\n";
        return 0;
    } catch (const centrali::OrchestrationRunFailed& e) {
        std::cerr << "run failed: " << e.run().error_message << "\n";
        return 2;
    } catch (const centrali::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
