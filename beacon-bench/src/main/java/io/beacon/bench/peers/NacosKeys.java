package io.beacon.bench.peers;

/**
 * The keys under which Nacos 1.1.4 keeps its Raft data (a service's meta data, a service's persistent instance
 * list, and the switches), and the brief form in which its leader names them in a heartbeat: the long prefix
 * {@value #META_PREFIX} becomes {@value #BRIEF_META_PREFIX}, and {@value #IPLIST_PREFIX} becomes
 * {@value #BRIEF_IPLIST_PREFIX}. The switch key carries the meta prefix, so it is shortened the same way.
 *
 * <p>Every service here lives in namespace {@value #NAMESPACE} and group {@value #GROUP}, which Nacos writes into
 * the key as {@code <namespace>##<group>@@<service name>}.
 */
public final class NacosKeys {
    /** The prefix of a service's meta-data key (and of the switch key). */
    public static final String META_PREFIX = "com.alibaba.nacos.naming.domains.meta.";
    /** The prefix of a service's persistent instance-list key. */
    public static final String IPLIST_PREFIX = "com.alibaba.nacos.naming.iplist.";
    /** What a heartbeat writes in place of {@link #META_PREFIX}. */
    public static final String BRIEF_META_PREFIX = "meta.";
    /** What a heartbeat writes in place of {@link #IPLIST_PREFIX}. */
    public static final String BRIEF_IPLIST_PREFIX = "iplist.";
    /** The one key of the cluster-wide switches. */
    public static final String SWITCH_KEY = META_PREFIX + "00-00---000-NACOS_SWITCH_DOMAIN-000---00-00";
    /** The namespace of every service in the data sets modelled here. */
    public static final String NAMESPACE = "public";
    /** The group of every service in the data sets modelled here. */
    public static final String GROUP = "DEFAULT_GROUP";

    private NacosKeys() {
    }

    /** The meta-data key of the named service, e.g. {@code ...domains.meta.public##DEFAULT_GROUP@@service-1}. */
    public static String serviceMetaKey(String serviceName) {
        return META_PREFIX + qualified(serviceName);
    }

    /** The persistent instance-list key of the named service. */
    public static String instanceListKey(String serviceName) {
        return IPLIST_PREFIX + qualified(serviceName);
    }

    /**
     * The brief form of a full key, as a heartbeat carries it.
     *
     * @throws IllegalArgumentException for a key with neither long prefix; such keys never sit in Raft's data
     */
    public static String brief(String key) {
        if (key.startsWith(META_PREFIX)) {
            return BRIEF_META_PREFIX + key.substring(META_PREFIX.length());
        }
        if (key.startsWith(IPLIST_PREFIX)) {
            return BRIEF_IPLIST_PREFIX + key.substring(IPLIST_PREFIX.length());
        }
        throw new IllegalArgumentException("not a key Nacos keeps in Raft: " + key);
    }

    /**
     * The full key of a brief one, as a follower expands it on receipt.
     *
     * @throws IllegalArgumentException for a key with neither brief prefix (a follower skips those)
     */
    public static String expand(String briefKey) {
        if (briefKey.startsWith(BRIEF_META_PREFIX)) {
            return META_PREFIX + briefKey.substring(BRIEF_META_PREFIX.length());
        }
        if (briefKey.startsWith(BRIEF_IPLIST_PREFIX)) {
            return IPLIST_PREFIX + briefKey.substring(BRIEF_IPLIST_PREFIX.length());
        }
        throw new IllegalArgumentException("not a brief key: " + briefKey);
    }

    private static String qualified(String serviceName) {
        return NAMESPACE + "##" + GROUP + "@@" + serviceName;
    }
}
