package io.beacon.registry.model;

/**
 * The client-facing error texts of Nacos 1.1.4's naming API that the registry produces, each with the status it
 * answers with. One place for them, so that tests and the server see the same wording. Owns texts only.
 */
public final class NacosErrors {
    public static final int BAD_REQUEST = 400;
    public static final int NOT_FOUND = 404;

    private NacosErrors() {
    }

    /** {@code WebUtils.required}'s text for a missing or blank parameter. */
    public static String paramRequired(String name) {
        return "Param '" + name + "' is required.";
    }

    public static String serviceNotFoundForInstance(ServiceKey key) {
        return "service not found, namespace: " + key.namespaceId() + ", service: " + key.groupedName();
    }

    /** Nacos names the instance by its toString: {@code ip:port:unknown:cluster_weight_healthy_marked_cluster}. */
    public static String instanceNotExist(Instance instance) {
        InstanceKey key = instance.key();
        return "instance not exist: " + key.ip() + ":" + key.port() + ":unknown:" + key.clusterName() + "_"
                + instance.weight() + "_" + instance.healthy() + "_" + instance.marked() + "_" + key.clusterName();
    }

    public static String serviceAlreadyExists(ServiceKey key) {
        return "specified service already exists, serviceName : " + key.groupedName();
    }

    public static String serviceNotFoundForUpdate(ServiceKey key) {
        return "service " + key.groupedName() + " not found!";
    }

    public static String serviceNotExistForDelete(ServiceKey key) {
        return "specified service not exist, serviceName : " + key.groupedName();
    }

    public static String serviceHasInstances(ServiceKey key) {
        return "specified service has instances, serviceName : " + key.groupedName();
    }

    public static String serviceNotFoundForCluster(ServiceKey key) {
        return "service not found:" + key.groupedName();
    }

    public static final String IP_INVALID = "instance format invalid: Your IP address is spelled incorrectly";

    public static final String WEIGHT_OUT_OF_RANGE = "instance format invalid: The weights range from "
            + NamingDefaults.MIN_WEIGHT + " to " + NamingDefaults.MAX_WEIGHT;

    public static String portInvalid(String port) {
        return "instance format invalid: port must be an integer from 0 to 65535, was " + port;
    }

    public static String metadataIncorrect(String metadata, String reason) {
        return "metadata format incorrect:" + metadata + " (" + reason + ")";
    }

    public static String namespaceIllegal(String namespaceId) {
        return "Param 'namespaceId' is illegal, it must not contain '..' or '/': " + namespaceId;
    }

    public static String serviceNameIllegal(String name) {
        return "dom name can only have these characters: 0-9a-zA-Z-._:, current: " + name;
    }

    public static String clusterNameIllegal(String name) {
        return "cluster name can only have these characters: 0-9a-zA-Z-, current: " + name;
    }

    public static String notANumber(String name, String value) {
        return "Param '" + name + "' is not a number: " + value;
    }

    public static String switchEntryNotFound(String entry) {
        return "update entry not found: " + entry;
    }
}
