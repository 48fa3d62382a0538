package io.beacon.registry.model;

/**
 * A service's selector as Nacos stores it: type {@code none}, or type {@code label} with an expression. The
 * registry stores and returns it; it does not evaluate label expressions (that needs a CMDB, as in Nacos).
 */
public record Selector(String type, String expression) {
    public static final String NONE_TYPE = "none";
    public static final String LABEL_TYPE = "label";
    public static final Selector NONE = new Selector(NONE_TYPE, "");

    public Selector {
        if (!NONE_TYPE.equals(type) && !LABEL_TYPE.equals(type)) {
            throw new IllegalArgumentException("selector type must be none or label, was " + type);
        }
        expression = NONE_TYPE.equals(type) || expression == null ? "" : expression;
    }

    public static Selector label(String expression) {
        return new Selector(LABEL_TYPE, expression);
    }
}
