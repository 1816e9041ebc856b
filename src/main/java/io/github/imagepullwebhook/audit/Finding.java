package io.github.imagepullwebhook.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * What the webhook would do to one stored object; {@code -o json} writes these as they are.
 *
 * @param namespace     the object's namespace
 * @param kind          e.g. {@code Deployment}
 * @param apiVersion    the version it was listed in
 * @param name          the object's name
 * @param owner         its controller, or {@code null}
 * @param action        the verdict in short
 * @param changes       the fields the patch would write, from the server's answer
 * @param wouldPin      images {@code pinDigests} would pin (never resolved by the audit)
 * @param warnings      the warnings kubectl would print, as the server words them
 * @param denials       the messages of the reviews that would be refused
 * @param changeSummary the server's audit annotation {@code changes}: every field with the value
 *                      it replaces and why; the table shows it
 */
@JsonPropertyOrder({"namespace", "kind", "apiVersion", "name", "owner", "action", "changes", "wouldPin", "warnings",
        "denials"})
public record Finding(String namespace, String kind, String apiVersion, String name, Owner owner, Action action,
                      List<FieldChange> changes, List<Pin> wouldPin, List<String> warnings, List<Denial> denials,
                      @JsonIgnore String changeSummary) {

    /** The verdict in short; {@code would deny} wins over {@code would change}. */
    public enum Action {
        OK("ok"), WOULD_CHANGE("would change"), WOULD_DENY("would deny");

        private final String label;

        Action(String label) {
            this.label = label;
        }

        @JsonValue
        public String label() {
            return label;
        }

        static Action of(List<Denial> denials, List<FieldChange> changes, List<Pin> pins) {
            if (!denials.isEmpty()) {
                return WOULD_DENY;
            }
            return changes.isEmpty() && pins.isEmpty() ? OK : WOULD_CHANGE;
        }
    }

    /** The object's controller (its ownerReference with {@code controller: true}). */
    public record Owner(String kind, String name) {
        @Override
        public String toString() {
            return kind + "/" + name;
        }
    }

    /**
     * One field the patch would write.
     *
     * @param field Kubernetes-style path, e.g. {@code spec.containers[0].imagePullPolicy}
     * @param path  the same field as the patch's JSON pointer
     * @param from  its value now, or {@code null} when absent
     * @param to    the value the patch sets
     */
    public record FieldChange(String field, String path, String from, String to) {
    }

    /** An image {@code pinDigests} would rewrite to {@code image@sha256:…}. */
    public record Pin(String field, String image) {
    }

    /**
     * A review the webhook would refuse.
     *
     * @param operation {@code CREATE}: the object created as it is now (a Pod's replacement, a
     *                  workload applied again); {@code UPDATE}: a Pod's container image changed in place
     * @param message   the message the apiserver would show
     */
    public record Denial(String operation, String message) {
    }

    public Finding {
        changes = List.copyOf(changes);
        wouldPin = List.copyOf(wouldPin);
        warnings = List.copyOf(warnings);
        denials = List.copyOf(denials);
    }

    /**
     * The warnings that say more than {@link #changeSummary}: the server also words each group of
     * changes as a warning, naming the fields it changes, and those are left out.
     */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (String warning : warnings) {
            if (changes.stream().noneMatch(c -> warning.contains(c.field() + " ") || warning.contains(c.field() + ","))) {
                notes.add(warning);
            }
        }
        return notes;
    }
}
