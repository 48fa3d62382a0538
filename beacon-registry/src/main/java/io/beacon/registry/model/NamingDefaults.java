package io.beacon.registry.model;

/**
 * The defaults and separators of Nacos's naming model, in one place. Owns only constants; never holds state.
 */
public final class NamingDefaults {
    /** The namespace a request without {@code namespaceId} uses. */
    public static final String NAMESPACE = "public";
    /** The group a service name without a group prefix belongs to. */
    public static final String GROUP = "DEFAULT_GROUP";
    /** The cluster an instance registered without a cluster name joins. */
    public static final String CLUSTER = "DEFAULT";
    /** Separates group and service in Nacos's grouped service name {@code group@@service}. */
    public static final String GROUP_SEPARATOR = "@@";

    public static final double WEIGHT = 1.0;
    /** Weights a client may ask for lie in [MIN_WEIGHT, MAX_WEIGHT]; apply clamps into that range too. */
    public static final double MIN_WEIGHT = 0.0;
    public static final double MAX_WEIGHT = 10_000.0;
    /** Apply raises a positive weight below this to it, as Nacos's Instance does. */
    public static final double MIN_POSITIVE_WEIGHT = 0.01;
    public static final double PROTECT_THRESHOLD = 0.0;

    private NamingDefaults() {
    }
}
