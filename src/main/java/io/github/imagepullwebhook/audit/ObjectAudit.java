package io.github.imagepullwebhook.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.admission.Reason;
import io.github.imagepullwebhook.admission.Review;
import io.github.imagepullwebhook.audit.ClusterReader.Listed;
import io.github.imagepullwebhook.audit.Finding.Denial;
import io.github.imagepullwebhook.audit.Finding.FieldChange;
import io.github.imagepullwebhook.audit.Finding.Owner;
import io.github.imagepullwebhook.audit.Finding.Pin;
import io.github.imagepullwebhook.patch.JsonPatch;
import io.github.imagepullwebhook.policy.Change;
import io.github.imagepullwebhook.policy.DigestPinner;
import io.github.imagepullwebhook.policy.EnforcementScope;
import io.github.imagepullwebhook.policy.GroupKind;
import io.github.imagepullwebhook.policy.ImageSite;
import io.github.imagepullwebhook.policy.PodSpecs;
import io.github.imagepullwebhook.policy.Rules;
import io.github.imagepullwebhook.policy.SiteKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Puts one stored object through the server's {@link AdmissionService} as the apiserver would:
 *
 * <ol>
 *   <li>CREATE, as the object is now (what a Pod's replacement or a workload applied again
 *       gets): the mutate step, then the validate step on the object with mutate's patch
 *       applied, in the order the apiserver calls mutating and validating webhooks;</li>
 *   <li>for an unfinished Pod that no built-in controller replaces (a bare Pod, or one whose
 *       controller may update images in place), an UPDATE that changes its containers' images:
 *       the pull policy of an existing pod's container cannot change, so a profile that forces
 *       {@code Always} refuses that update for every container that does not pull
 *       {@code Always} now.</li>
 * </ol>
 *
 * Registries are never asked: images pinning would rewrite are named from the pure rules.
 */
public final class ObjectAudit {

    /** Reasons the server gives for a review it does not look at; such objects are not reported. */
    private static final Set<Reason> SKIPPED = EnumSet.of(Reason.SKIPPED_NAMESPACE, Reason.SKIPPED_KIND,
            Reason.SKIPPED_OPERATION, Reason.SKIPPED_SUBRESOURCE, Reason.SKIPPED_NO_IMAGE_CHANGE);

    /**
     * Controllers that replace a pod to change its image and never edit it in place (mirror pods
     * belong to their Node's kubelet).
     */
    private static final Set<GroupKind> REPLACING_CONTROLLERS = Set.of(new GroupKind("apps", "ReplicaSet"),
            new GroupKind("apps", "StatefulSet"), new GroupKind("apps", "DaemonSet"), new GroupKind("batch", "Job"),
            new GroupKind("", "ReplicationController"), new GroupKind("", "Node"));

    /** Appended to each image of the simulated in-place update; only the denial is reported, never the image. */
    static final String CHANGED_IMAGE = "-changed-in-place";

    private final AdmissionService service;
    private final Rules rules;
    private final ObjectMapper mapper;
    private final SimulatedReviews reviews;

    public ObjectAudit(AdmissionService service, Rules rules, ObjectMapper mapper) {
        this.service = service;
        this.rules = rules;
        this.mapper = mapper;
        this.reviews = new SimulatedReviews(mapper);
    }

    /** What the webhook would do to {@code listed}; empty when the server would not review it (its namespace is ignored). */
    public Optional<Finding> audit(Listed listed) {
        Answer mutated = review(listed, reviews.create(listed, listed.object()), Mode.MUTATE);
        if (SKIPPED.contains(mutated.reason())) {
            return Optional.empty();
        }
        Reply mutate = Reply.of(mutated, mapper);
        List<Denial> denials = new ArrayList<>();
        if (mutate.allowed()) {
            validateMutated(listed, mutate.patch()).ifPresent(denials::add);
        } else {
            denials.add(new Denial(Review.CREATE, mutate.denial()));
        }
        inPlaceImageUpdate(listed).ifPresent(denials::add);
        List<FieldChange> changes = changes(listed.object(), mutate.patch());
        List<Pin> pins = pins(listed);
        return Optional.of(new Finding(listed.namespace(), listed.kind().kind(), listed.apiVersion(), listed.name(),
                owner(listed.object()).orElse(null), Finding.Action.of(denials, changes, pins), changes, pins,
                mutate.warnings(), denials, mutate.changes()));
    }

    /** The validate step sees the object after every mutating webhook, ours included. */
    private Optional<Denial> validateMutated(Listed listed, JsonPatch patch) {
        ObjectNode mutated = listed.object().deepCopy();
        patch.applyTo(mutated);
        Reply validate = Reply.of(review(listed, reviews.create(listed, mutated), Mode.VALIDATE), mapper);
        return validate.allowed() ? Optional.empty() : Optional.of(new Denial(Review.CREATE, validate.denial()));
    }

    private Optional<Denial> inPlaceImageUpdate(Listed listed) {
        if (!PodSpecs.isPod(listed.kind().groupKind()) || replacedByController(listed.object())
                || finished(listed.object())) {
            return Optional.empty();
        }
        ObjectNode changed = withChangedImages(listed.kind().groupKind(), listed.object());
        Reply update = Reply.of(review(listed, reviews.update(listed, changed, listed.object()), Mode.MUTATE), mapper);
        return update.allowed() ? Optional.empty() : Optional.of(new Denial(Review.UPDATE, update.denial()));
    }

    /** The pod with every container's and init container's image changed: the fields a pod may change in place. */
    private static ObjectNode withChangedImages(GroupKind podKind, ObjectNode pod) {
        List<Change> changes = new ArrayList<>();
        for (ImageSite site : PodSpecs.sites(podKind, pod)) {
            if ((site.kind() == SiteKind.CONTAINER || site.kind() == SiteKind.INIT_CONTAINER) && site.image() != null) {
                changes.add(site.imageChange(site.image() + CHANGED_IMAGE, "audit", "a simulated in-place update"));
            }
        }
        ObjectNode changed = pod.deepCopy();
        JsonPatch.of(changes).applyTo(changed);
        return changed;
    }

    private Answer review(Listed listed, byte[] review, Mode mode) {
        Answer answer = service.review(review, rules, mode);
        if (answer.httpStatus() != 200) {
            // The server would answer this object with an HTTP error: a bug, not a verdict.
            throw new IllegalStateException("the webhook could not review " + listed.kind().kind() + " "
                    + listed.namespace() + "/" + listed.name() + " (" + mode + "): HTTP " + answer.httpStatus() + " "
                    + answer.body().path("message").asText());
        }
        return answer;
    }

    private static List<FieldChange> changes(JsonNode object, JsonPatch patch) {
        List<FieldChange> changes = new ArrayList<>();
        for (JsonPatch.Operation operation : patch.operations()) {
            JsonNode now = object.at(operation.path());
            String from = now.isMissingNode() || now.isNull() ? null : now.isTextual() ? now.textValue() : now.toString();
            changes.add(new FieldChange(FieldPaths.dotted(operation.path()), operation.path(), from, operation.value()));
        }
        return changes;
    }

    /** What pinning would rewrite on a CREATE; the digests themselves need a registry, so they are left out. */
    private List<Pin> pins(Listed listed) {
        GroupKind kind = listed.kind().groupKind();
        if (!DigestPinner.pinsObject(kind, listed.object(), rules)) {
            return List.of();
        }
        return DigestPinner.candidates(kind, listed.object(), EnforcementScope.everySite(), rules).stream()
                .map(candidate -> new Pin(candidate.site().imagePath(), candidate.reference().original())).toList();
    }

    private static Optional<Owner> owner(JsonNode object) {
        for (JsonNode reference : object.path("metadata").path("ownerReferences")) {
            if (reference.path("controller").asBoolean(false)) {
                return Optional.of(new Owner(reference.path("kind").asText(""), reference.path("name").asText("")));
            }
        }
        return Optional.empty();
    }

    /**
     * A pod that succeeded or failed never starts its containers again: nobody updates its
     * images, and a cluster full of finished one-off pods must not read as "would deny".
     */
    private static boolean finished(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static boolean replacedByController(JsonNode pod) {
        for (JsonNode reference : pod.path("metadata").path("ownerReferences")) {
            if (reference.path("controller").asBoolean(false) && REPLACING_CONTROLLERS.contains(
                    GroupKind.ofApiVersion(reference.path("apiVersion").asText(""), reference.path("kind").asText("")))) {
                return true;
            }
        }
        return false;
    }
}
