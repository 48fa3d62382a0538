package io.beacon.registry.model;

/** A service in the catalog listing ({@code /v1/ns/catalog/services}): its key and counts. Immutable. */
public record ServiceSummary(ServiceKey key, int clusterCount, int instanceCount, int healthyInstanceCount) {
}
