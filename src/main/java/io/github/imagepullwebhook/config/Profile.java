package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.imagepullwebhook.policy.Rules;

/**
 * One policy profile, served at {@code /mutate/<name>} (and {@code /validate/<name>}). The
 * cluster admin scopes a profile to namespaces with the webhook entry's namespaceSelector.
 */
public record Profile(boolean defaultPullPolicy, boolean alwaysPull) {

    public static final Profile DEFAULT = new Profile(true, false);

    @JsonCreator
    static Profile of(@JsonProperty("defaultPullPolicy") Boolean defaultPullPolicy,
                      @JsonProperty("alwaysPull") Boolean alwaysPull) {
        return new Profile(defaultPullPolicy == null ? DEFAULT.defaultPullPolicy : defaultPullPolicy,
                alwaysPull == null ? DEFAULT.alwaysPull : alwaysPull);
    }

    public Rules rules() {
        return new Rules(defaultPullPolicy, alwaysPull);
    }
}
