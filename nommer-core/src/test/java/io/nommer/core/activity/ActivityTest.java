package io.nommer.core.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.activity.Activity.Minute;
import io.nommer.core.activity.Activity.Span;
import io.nommer.core.activity.Activity.Window;
import io.nommer.core.job.JobState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityTest {
    /** 12:03:30, half way through the window's third and last minute (12:01, 12:02, 12:03). */
    static final Instant NOW = Instant.parse("2030-01-01T12:03:30Z");

    static Instant at(String hms) {
        return Instant.parse("2030-01-01T" + hms + "Z");
    }

    static List<Minute> minutes(long queuedBefore, Span... spans) {
        return Activity.perMinute(new Window(NOW, 3, queuedBefore, List.of(spans)));
    }

    @Test
    void window_startsAtTheFirstOfItsWholeMinutes() {
        assertThat(Activity.windowStart(NOW, 3)).isEqualTo(at("12:01:00"));
        assertThat(Activity.windowStart(NOW, 1)).isEqualTo(at("12:03:00"));
    }

    @Test
    void aJobThatRanAndSucceeded_countsOnceSubmittedAndOnceFinished_andIsQueuedThenRunningBetween() {
        List<Minute> m = minutes(0, new Span(JobState.SUCCEEDED, at("12:01:10"), at("12:02:05"), at("12:03:20")));

        assertThat(m).extracting(Minute::minute).containsExactly(at("12:01:00"), at("12:02:00"), at("12:03:00"));
        assertThat(m).extracting(Minute::submitted).containsExactly(1, 0, 0);
        assertThat(m).extracting(Minute::succeeded).containsExactly(0, 0, 1);
        assertThat(m).extracting(Minute::queued).containsExactly(1L, 0L, 0L);
        assertThat(m).extracting(Minute::running).containsExactly(0, 1, 0);
    }

    @Test
    void failedAndCancelledJobs_areCountedApart() {
        List<Minute> m = minutes(
                0,
                new Span(JobState.FAILED, at("11:00:00"), at("11:00:01"), at("12:02:00")),
                new Span(JobState.CANCELLED, at("12:01:00"), null, at("12:02:59")));

        assertThat(m).extracting(Minute::submitted).containsExactly(1, 0, 0);
        assertThat(m).extracting(Minute::failed).containsExactly(0, 1, 0);
        assertThat(m).extracting(Minute::cancelled).containsExactly(0, 1, 0);
        assertThat(m).extracting(Minute::running).containsExactly(1, 0, 0);
        assertThat(m).extracting(Minute::queued).containsExactly(1L, 0L, 0L);
    }

    @Test
    void theCurrentMinute_showsTheDepthNow_andJobsQueuedSinceBeforeTheWindowCountInEveryMinute() {
        List<Minute> m = minutes(5, new Span(JobState.QUEUED, at("12:03:29"), null, null));

        assertThat(m).extracting(Minute::queued).containsExactly(5L, 5L, 6L);
        assertThat(m).extracting(Minute::submitted).containsExactly(0, 0, 1);
    }

    @Test
    void minutes_outsideOneToADay_areRefusedWithTheRule() {
        assertThatThrownBy(() -> Activity.windowStart(NOW, 0)).hasMessageContaining("between 1 and 1440");
        assertThatThrownBy(() -> new Window(NOW, 1441, 0, List.of())).hasMessageContaining("not 1441");
    }
}
