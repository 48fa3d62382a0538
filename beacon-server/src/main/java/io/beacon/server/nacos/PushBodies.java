package io.beacon.server.nacos;

import io.beacon.registry.NamingRegistry;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceNames;

import java.util.function.LongSupplier;

/** What a push carries to a subscription: the body its own poll would get now, with the push cacheMillis. */
public final class PushBodies implements PushService.Views {
    private final NamingRegistry registry;
    private final LongSupplier clock;

    public PushBodies(NamingRegistry registry, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public String render(PushService.Subscription subscription) {
        ServiceKey key = ServiceNames.key(subscription.namespaceId(), null, subscription.serviceName());
        return NacosRoutes.json(InstanceListJson.render(registry.instanceList(key, subscription.clusters(), false),
                subscription.serviceName(), subscription.clusters(), registry.switches().defaultPushCacheMillis(),
                clock.getAsLong()));
    }
}
