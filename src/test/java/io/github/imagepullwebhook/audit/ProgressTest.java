package io.github.imagepullwebhook.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aLineEachTimeTheCountPassesAMultipleOfEvery() {
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), 500);
        for (int page : new int[] {200, 200, 200, 500, 100, 1}) {
            progress.reviewed(page);
        }
        assertThat(err.toString().lines().toList()).isEqualTo(List.of(
                "image-pull-webhook audit: 600 objects reviewed",
                "image-pull-webhook audit: 1100 objects reviewed"));
    }
}
