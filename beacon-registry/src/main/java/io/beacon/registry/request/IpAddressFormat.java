package io.beacon.registry.request;

/**
 * Whether an instance's {@code ip} parameter is well formed. As Nacos does, an address of digits and dots must
 * be a dotted-quad IPv4 address (here each part also at most 255); an address with ':' must be an IPv6 literal
 * (optionally with an embedded IPv4 tail and a zone id); anything else is taken as a host name, which Nacos
 * accepts too, and must be made of letters, digits, '-', '_' and '.' (at most 253 characters). Owns no state.
 */
final class IpAddressFormat {
    private IpAddressFormat() {
    }

    static boolean isValid(String ip) {
        if (ip == null || ip.isEmpty()) {
            return false;
        }
        if (ip.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9')) {
            return isIpv4(ip);
        }
        if (ip.indexOf(':') >= 0) {
            return isIpv6(ip);
        }
        return isHostName(ip);
    }

    static boolean isIpv4(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String ip) {
        String address = ip;
        int zone = address.indexOf('%');
        if (zone >= 0) {
            String zoneId = address.substring(zone + 1);
            if (zoneId.isEmpty() || !zoneId.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c)
                    || c == '_' || c == '.' || c == '-')) {
                return false;
            }
            address = address.substring(0, zone);
        }
        if (address.indexOf('.') >= 0) {
            // An IPv4 tail stands for the last two groups.
            int lastColon = address.lastIndexOf(':');
            if (!isIpv4(address.substring(lastColon + 1))) {
                return false;
            }
            address = address.substring(0, lastColon + 1) + "0:0";
        }
        int compression = address.indexOf("::");
        if (compression < 0) {
            return groups(address) == 8;
        }
        if (address.indexOf("::", compression + 1) >= 0) {
            return false;
        }
        int head = groups(address.substring(0, compression));
        int tail = groups(address.substring(compression + 2));
        return head >= 0 && tail >= 0 && head + tail <= 7;
    }

    /** The number of hex groups separated by ':' (0 for empty text), or -1 if one is malformed. */
    private static int groups(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        String[] groups = text.split(":", -1);
        for (String group : groups) {
            if (group.isEmpty() || group.length() > 4
                    || !group.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0)) {
                return -1;
            }
        }
        return groups.length;
    }

    private static boolean isHostName(String name) {
        return name.length() <= 253 && !name.startsWith(".") && !name.endsWith(".") && !name.contains("..")
                && name.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c) || c == '-' || c == '_'
                || c == '.');
    }
}
