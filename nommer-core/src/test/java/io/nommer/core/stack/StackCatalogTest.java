package io.nommer.core.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StackCatalogTest {
    private static Stack stack(String name) {
        return new Stack(
                name, List.of(new Stack.Tool("ffmpeg", "/usr/bin/ffmpeg", "5.1.9")), List.of(), List.of(), List.of());
    }

    private final StackCatalog catalog =
            new StackCatalog("ffmpeg-5.1", List.of(stack("ffmpeg-5.1"), stack("ffmpeg-7.1")));

    @Test
    void resolve_withoutAStackIsTheDefault_aConfiguredOrLiveOneItself() {
        assertThat(catalog.resolve(null, Set.of())).isEqualTo("ffmpeg-5.1");
        assertThat(catalog.resolve("ffmpeg-7.1", Set.of())).isEqualTo("ffmpeg-7.1");
        assertThat(catalog.resolve("gpu-6.0", Set.of("gpu-6.0"))).isEqualTo("gpu-6.0");
        assertThat(StackCatalog.NONE.resolve(null, Set.of())).isNull();
    }

    @Test
    void resolve_refusesAStackNeitherConfiguredNorLive() {
        assertThatThrownBy(() -> catalog.resolve("ffmpeg-4.4", Set.of("gpu-6.0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no stack named 'ffmpeg-4.4'")
                .hasMessageContaining("GET /v1/stacks");
    }

    @Test
    void aDefaultThatIsNoStack_andBadNames_areRefused() {
        assertThatThrownBy(() -> new StackCatalog("x", List.of(stack("ffmpeg-5.1"))))
                .hasMessageContaining("default_stack 'x' is not one of the stacks [ffmpeg-5.1]");
        assertThatThrownBy(() -> stack("Has Space")).hasMessageContaining("stack names are 1-64 of a-z");
        assertThat(Stack.validName("ffmpeg-5.1")).isTrue();
        assertThat(stack("a").withoutPaths().tools().get(0).path()).isNull();
        assertThat(stack("a").versions()).containsEntry("ffmpeg", "5.1.9");
    }
}
