package io.github.imagepullwebhook.policy;

/** The values of {@code imagePullPolicy}, spelled as the API spells them. */
public final class PullPolicy {
    public static final String ALWAYS = "Always";
    public static final String IF_NOT_PRESENT = "IfNotPresent";
    public static final String NEVER = "Never";

    private PullPolicy() {
    }
}
