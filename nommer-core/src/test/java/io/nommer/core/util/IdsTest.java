package io.nommer.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void ids_sortByCreationTimeAndDoNotRepeat() {
        Ids early = new Ids(InstantSource.fixed(Instant.ofEpochMilli(1_000)));
        Ids late = new Ids(InstantSource.fixed(Instant.ofEpochMilli(2_000)));
        assertThat(early.next("job")).isLessThan(late.next("job")).matches("job_[0-9a-z]{26}");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(early.next("job"))).isTrue();
        }
    }
}
