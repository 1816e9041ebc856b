package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.core.io.SerializedString;
import java.util.List;
import java.util.Map;

/**
 * What an answer tells about the changes: the JSON patch, the warnings kubectl prints and the
 * audit annotations, with those three answer members already encoded ({@link
 * ReviewResponses#report} makes reports), so that a report found in {@link ChangeReports} is
 * written into the answer as bytes instead of being encoded again.
 *
 * @param patch    the operations, or {@code null} when nothing changed
 * @param warnings shown by kubectl
 * @param audit    recorded in the apiserver's audit log
 * @param members  {@code ,"patchType":…,"patch":…,"warnings":[…],"auditAnnotations":{…}} (the
 *                 members present, each preceded by its comma), UTF-8; empty when there is none
 */
public record ChangeReport(Patch patch, List<String> warnings, Map<String, String> audit, SerializedString members) {

    static final ChangeReport NONE = new ChangeReport(null, List.of(), Map.of(), new SerializedString(""));
}
