package io.beacon.registry.model;

/**
 * Nacos's grouped service names: {@code group@@service}. Instance calls of the Nacos client send the grouped form;
 * service calls send the bare name plus {@code groupName}. Owns only the conversion; never validates characters.
 */
public final class ServiceNames {
    private ServiceNames() {
    }

    /** {@code group@@service}. */
    public static String grouped(String groupName, String serviceName) {
        return groupName + NamingDefaults.GROUP_SEPARATOR + serviceName;
    }

    /** The group of a grouped name, or {@code defaultGroup} if the name carries none. */
    public static String groupOf(String name, String defaultGroup) {
        int separator = name.indexOf(NamingDefaults.GROUP_SEPARATOR);
        return separator < 0 ? defaultGroup : name.substring(0, separator);
    }

    /** The bare service name of a grouped name (the name itself if it carries no group). */
    public static String bareName(String name) {
        int separator = name.indexOf(NamingDefaults.GROUP_SEPARATOR);
        return separator < 0 ? name : name.substring(separator + NamingDefaults.GROUP_SEPARATOR.length());
    }

    /**
     * The key of a service named either way: a grouped {@code name} wins over {@code groupName}, as Nacos's
     * DistroFilter does; a bare name joins {@code groupName}, or the default group if that is null or blank.
     */
    public static ServiceKey key(String namespaceId, String groupName, String name) {
        String group = groupName == null || groupName.isBlank() ? NamingDefaults.GROUP : groupName;
        return new ServiceKey(namespaceId, groupOf(name, group), bareName(name));
    }
}
