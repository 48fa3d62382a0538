package io.beacon.registry.request;

import io.beacon.registry.model.Instance;
import io.beacon.registry.model.InstanceKey;
import io.beacon.registry.model.NacosErrors;
import io.beacon.registry.model.NamingDefaults;
import io.beacon.registry.model.RegistrySwitches;
import io.beacon.registry.model.Selector;
import io.beacon.registry.model.ServiceDefinition;
import io.beacon.registry.model.ServiceKey;
import io.beacon.registry.model.ServiceNames;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns the parameters of a Nacos v1 naming request into the registry's values, or refuses them with 400 and
 * Nacos's text ({@link InvalidRequestException}). The server calls it before proposing anything, so a command in
 * the log always carries valid values. Defaults and parameter names are Nacos 1.1.4's: cluster from
 * {@code clusterName}, else {@code cluster}, else {@code DEFAULT}; {@code enabled}, else {@code enable}, else true;
 * {@code ephemeral} defaults to the {@code defaultInstanceEphemeral} switch; weight 1 in [0, 10000]. Owns parsing
 * only; never looks at the registry's state.
 */
public final class Validation {
    private static final Pattern SERVICE_NAME = Pattern.compile("[0-9a-zA-Z@.:_-]+");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9a-zA-Z-]+");
    private static final Set<String> TRUE_WORDS = Set.of("true", "on", "yes", "y", "t");

    private Validation() {
    }

    /** A parameter that must be present and not blank ({@code Param 'x' is required.}). */
    public static String required(RequestParams params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(NacosErrors.paramRequired(name));
        }
        return value;
    }

    /** {@code namespaceId}, default {@code public}; one containing {@code ..} or {@code /} is refused. */
    public static String namespaceId(RequestParams params) {
        String namespaceId = params.get("namespaceId");
        if (namespaceId == null || namespaceId.isBlank()) {
            return NamingDefaults.NAMESPACE;
        }
        if (namespaceId.contains("..") || namespaceId.contains("/")) {
            throw new InvalidRequestException(NacosErrors.namespaceIllegal(namespaceId));
        }
        return namespaceId;
    }

    /**
     * The service a request names: {@code serviceName} either grouped ({@code group@@name}, which wins) or bare
     * with {@code groupName} (default {@code DEFAULT_GROUP}), in {@code namespaceId}.
     */
    public static ServiceKey serviceKey(RequestParams params) {
        String namespaceId = namespaceId(params);
        String name = required(params, "serviceName");
        ServiceKey key;
        try {
            key = ServiceNames.key(namespaceId, params.get("groupName"), name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(NacosErrors.serviceNameIllegal(name));
        }
        if (!SERVICE_NAME.matcher(key.groupedName()).matches()
                || key.serviceName().contains(NamingDefaults.GROUP_SEPARATOR)) {
            throw new InvalidRequestException(NacosErrors.serviceNameIllegal(key.groupedName()));
        }
        return key;
    }

    /** {@code clusterName}, else {@code cluster}, else {@code DEFAULT}; letters, digits and '-' only. */
    public static String clusterName(RequestParams params) {
        String cluster = params.get("clusterName");
        if (cluster == null || cluster.isBlank()) {
            cluster = params.get("cluster");
        }
        if (cluster == null || cluster.isBlank()) {
            return NamingDefaults.CLUSTER;
        }
        if (!CLUSTER_NAME.matcher(cluster).matches()) {
            throw new InvalidRequestException(NacosErrors.clusterNameIllegal(cluster));
        }
        return cluster;
    }

    /** The instance a deregister or detail request names: service, cluster, {@code ip} and {@code port}. */
    public static InstanceKey instanceKey(RequestParams params) {
        ServiceKey service = serviceKey(params);
        String cluster = clusterName(params);
        String ip = required(params, "ip");
        if (!IpAddressFormat.isValid(ip)) {
            throw new InvalidRequestException(NacosErrors.IP_INVALID);
        }
        return new InstanceKey(service, cluster, ip, port(required(params, "port")));
    }

    /** The instance a register or update request describes, with Nacos's defaults. */
    public static Instance instance(RequestParams params, RegistrySwitches switches) {
        InstanceKey key = instanceKey(params);
        double weight = weight(params.get("weight"));
        boolean healthy = bool(params.get("healthy"), true);
        String enabled = params.get("enabled");
        boolean isEnabled = enabled == null || enabled.isBlank() ? bool(params.get("enable"), true)
                : bool(enabled, true);
        boolean ephemeral = bool(params.get("ephemeral"), switches.defaultInstanceEphemeral());
        SortedMap<String, String> metadata = MetadataParser.parse(params.get("metadata"));
        return new Instance(key, weight, healthy, isEnabled, ephemeral, false, metadata);
    }

    /** A service's definition from {@code protectThreshold} (default 0), {@code metadata} and {@code selector}. */
    public static ServiceDefinition serviceDefinition(RequestParams params) {
        String threshold = params.get("protectThreshold");
        double protectThreshold = NamingDefaults.PROTECT_THRESHOLD;
        if (threshold != null && !threshold.isBlank()) {
            protectThreshold = finiteNumber("protectThreshold", threshold);
        }
        return new ServiceDefinition(protectThreshold, MetadataParser.parse(params.get("metadata")),
                selector(params.get("selector")));
    }

    /** A selector from its JSON ({@code {"type":"label","expression":"..."}}); blank text is no selector. */
    public static Selector selector(String json) {
        if (json == null || json.isBlank()) {
            return Selector.NONE;
        }
        Map<String, String> fields;
        try {
            fields = FlatJson.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("selector is not a flat JSON object: " + e.getMessage());
        }
        String type = fields.get("type");
        if (Selector.NONE_TYPE.equals(type)) {
            return Selector.NONE;
        }
        if (!Selector.LABEL_TYPE.equals(type)) {
            throw new InvalidRequestException("not match any type of selector!");
        }
        String expression = fields.get("expression");
        if (expression == null || expression.isBlank()) {
            return Selector.NONE;
        }
        try {
            return Selector.label(URLDecoder.decode(expression, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("selector expression is not URL-encoded text: " + expression);
        }
    }

    /** A weight in [0, 10000]; absent means 1. */
    public static double weight(String text) {
        if (text == null || text.isBlank()) {
            return NamingDefaults.WEIGHT;
        }
        double weight = finiteNumber("weight", text);
        if (weight < NamingDefaults.MIN_WEIGHT || weight > NamingDefaults.MAX_WEIGHT) {
            throw new InvalidRequestException(NacosErrors.WEIGHT_OUT_OF_RANGE);
        }
        return weight;
    }

    /** A port in [0, 65535]. */
    public static int port(String text) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidRequestException(NacosErrors.portInvalid(text));
    }

    /** A required whole number of at least 1, such as {@code pageNo} and {@code pageSize}. */
    public static int positiveInt(RequestParams params, String name) {
        String text = required(params, name);
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(NacosErrors.notANumber(name, text));
        }
        if (value < 1) {
            throw new InvalidRequestException("Param '" + name + "' must be at least 1: " + text);
        }
        return value;
    }

    /** Nacos's (commons-lang) reading of a boolean parameter: true, on, yes, y or t in any case; absent → default. */
    public static boolean bool(String text, boolean defaultValue) {
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        return TRUE_WORDS.contains(text.strip().toLowerCase(Locale.ROOT));
    }

    /** One switch update ({@code entry} and {@code value}, as {@code PUT /v1/ns/operator/switches} takes them). */
    public static SortedMap<String, String> switchUpdate(RequestParams params) {
        String entry = required(params, "entry");
        String value = required(params, "value").strip();
        RegistrySwitches.Type type = RegistrySwitches.typeOf(entry);
        if (type == null) {
            throw new InvalidRequestException(NacosErrors.switchEntryNotFound(entry));
        }
        String normalized = switch (type) {
            case BOOLEAN -> {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new InvalidRequestException("Param 'value' of " + entry + " must be true or false: " + value);
                }
                yield value.toLowerCase(Locale.ROOT);
            }
            case MILLIS -> {
                try {
                    long millis = Long.parseLong(value);
                    if (millis < 0) {
                        throw new NumberFormatException();
                    }
                    yield Long.toString(millis);
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException(NacosErrors.notANumber("value", value));
                }
            }
        };
        return new TreeMap<>(Map.of(entry, normalized));
    }

    private static double finiteNumber(String name, String text) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(NacosErrors.notANumber(name, text));
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new InvalidRequestException(name.equals("weight") ? NacosErrors.WEIGHT_OUT_OF_RANGE
                    : NacosErrors.notANumber(name, text));
        }
        return value;
    }
}
