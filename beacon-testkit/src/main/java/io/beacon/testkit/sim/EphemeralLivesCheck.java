package io.beacon.testkit.sim;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;

import java.util.List;
import java.util.Map;

/**
 * The end-of-run checks on ephemeral instances, once the cluster has been healed and stable for longer than the
 * heart beat and ip delete timeouts: an instance whose client still beats is present and healthy; one whose client
 * stopped beating (whether it deregistered it or not) is gone.
 */
final class EphemeralLivesCheck {
    private int beating;
    private int stopped;
    private int deregistered;

    /** Throws at the first life the final state contradicts. */
    void check(List<EphemeralClient> clients, Map<InstanceKey, Instance> finalState) {
        for (EphemeralClient client : clients) {
            for (EphemeralClient.Life life : client.lives()) {
                Instance instance = finalState.get(life.key);
                if (life.plan == EphemeralClient.Plan.KEEP_BEATING) {
                    beating++;
                    if (instance == null || !instance.healthy()) {
                        throw new SimulationFailure("ephemeral instance " + life.key + " is still beaten, yet it is "
                                + (instance == null ? "missing from" : "unhealthy in") + " the final state");
                    }
                } else {
                    stopped++;
                    if (life.plan == EphemeralClient.Plan.DEREGISTER && life.over) {
                        deregistered++;
                    }
                    if (instance != null) {
                        throw new SimulationFailure("ephemeral instance " + life.key + " is no longer beaten ("
                                + life.plan + (life.over ? ", done" : ", cut short when the clients stopped")
                                + "), yet it is still in the final state: " + instance);
                    }
                }
            }
        }
    }

    String summary() {
        return beating + " still beaten, " + stopped + " no longer beaten (" + deregistered + " deregistered)";
    }
}
