package io.nommer.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.job.RoutineEvents.JobFacts;
import io.nommer.core.job.RoutineEvents.TaskFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutineEventsTest {
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Instant T2 = T0.plusSeconds(2);

    private final List<JobEvent> stored = new ArrayList<>();

    private void store(Instant at, String type, String taskId, String message) {
        stored.add(new JobEvent(100 + stored.size(), "job_1", at, type, taskId, message));
    }

    private static JobFacts job(JobState state, Instant finishedAt, int tasks) {
        return new JobFacts("job_1", state, T0, finishedAt, tasks, tasks);
    }

    private static TaskFacts task(int index, JobState state, Instant startedAt, Instant finishedAt, int files) {
        return new TaskFacts("job_1/" + index, index, state, startedAt, finishedAt, 3, "w1", files);
    }

    private static List<String> told(List<JobEvent> timeline) {
        return timeline.stream()
                .map(e -> e.type() + (e.taskId() == null ? "" : " " + e.taskId()) + ": " + e.message())
                .toList();
    }

    @Test
    void aJobThatSucceeded_isToldWholeByItsRows_numberedFromOne() {
        List<JobEvent> timeline = RoutineEvents.timeline(
                job(JobState.SUCCEEDED, T2, 1), List.of(task(0, JobState.SUCCEEDED, T1, T2, 2)), stored);

        assertThat(told(timeline))
                .containsExactly(
                        "job.created: 1 output(s)",
                        "task.started job_1/0: attempt 1 of 3 on worker w1",
                        "task.succeeded job_1/0: 2 file(s) published",
                        "job.succeeded: all 1 output(s) succeeded");
        assertThat(timeline).extracting(JobEvent::id).containsExactly(1L, 2L, 3L, 4L);
        assertThat(timeline).extracting(JobEvent::at).containsExactly(T0, T1, T2, T2);
    }

    @Test
    void inTheSameMillisecond_aTaskStartsBeforeItsOwnEvents_andSucceedsAfterThem() {
        store(T1, "custom.one", null, "about the job");
        store(T1, "task.probed", "job_1/0", "mov");
        store(T1, "task.encoded", "job_1/0", "done");

        List<JobEvent> timeline = RoutineEvents.timeline(
                job(JobState.SUCCEEDED, T1, 1), List.of(task(0, JobState.SUCCEEDED, T1, T1, 1)), stored);

        assertThat(timeline)
                .extracting(JobEvent::type)
                .containsExactly(
                        "job.created",
                        "custom.one",
                        "task.started",
                        "task.probed",
                        "task.encoded",
                        "task.succeeded",
                        "job.succeeded");
    }

    @Test
    void aFirstStartWrittenDownLater_goesBeforeTheTasksOtherEvents() {
        // attempt 1 failed for good, the job was retried (which wrote attempt 1's start down), attempt 2 succeeded
        store(T1, "task.failed", "job_1/0", "boom (attempt 1 of 3)");
        store(T1, "job.failed", null, "1 of 1 output(s) failed");
        store(T1, "task.started", "job_1/0", "attempt 1 of 3 on worker w1");
        store(T1, "job.retried", null, "1 task(s) queued again");
        store(T1, "task.started", "job_1/0", "attempt 2 of 5 on worker w2");

        List<JobEvent> timeline = RoutineEvents.timeline(
                job(JobState.SUCCEEDED, T2, 1), List.of(task(0, JobState.SUCCEEDED, T1, T2, 1)), stored);

        assertThat(told(timeline))
                .containsExactly(
                        "job.created: 1 output(s)",
                        "task.started job_1/0: attempt 1 of 3 on worker w1",
                        "task.failed job_1/0: boom (attempt 1 of 3)",
                        "job.failed: 1 of 1 output(s) failed",
                        "job.retried: 1 task(s) queued again",
                        "task.started job_1/0: attempt 2 of 5 on worker w2",
                        "task.succeeded job_1/0: 1 file(s) published",
                        "job.succeeded: all 1 output(s) succeeded");
    }

    @Test
    void routineEventsAlreadyStored_areNotToldTwice() {
        store(T0, "job.created", null, "1 output(s)");
        store(T1, "task.started", "job_1/0", "attempt 1 of 3 on worker w1");
        store(T2, "task.succeeded", "job_1/0", "1 file(s) published");
        store(T2, "job.succeeded", null, "all 1 output(s) succeeded");

        List<JobEvent> timeline = RoutineEvents.timeline(
                job(JobState.SUCCEEDED, T2, 1), List.of(task(0, JobState.SUCCEEDED, T1, T2, 1)), stored);

        assertThat(timeline)
                .extracting(JobEvent::type)
                .containsExactly("job.created", "task.started", "task.succeeded", "job.succeeded");
    }

    @Test
    void aRunningJob_hasOnlyWhatHappenedSoFar_inTimeOrderWithTheStoredEvents() {
        store(T2, "task.probed", "job_1/1", "mov");

        List<JobEvent> timeline = RoutineEvents.timeline(
                job(JobState.RUNNING, null, 3),
                List.of(
                        task(0, JobState.SUCCEEDED, T1, T1, 1),
                        task(1, JobState.RUNNING, T2, null, 0),
                        task(2, JobState.QUEUED, null, null, 0)),
                stored);

        assertThat(told(timeline))
                .containsExactly(
                        "job.created: 3 output(s)",
                        "task.started job_1/0: attempt 1 of 3 on worker w1",
                        "task.succeeded job_1/0: 1 file(s) published",
                        "task.started job_1/1: attempt 1 of 3 on worker w1",
                        "task.probed job_1/1: mov");
    }

    @Test
    void whatTasksDidInTheMillisecondAJobFailed_comesBeforeItsEnd() {
        store(T1, "task.failed", "job_1/0", "boom (attempt 1 of 3)");
        store(T1, "job.failed", null, "1 of 2 output(s) failed");

        List<JobEvent> timeline = RoutineEvents.timeline(
                job(JobState.FAILED, T1, 2),
                List.of(task(0, JobState.FAILED, T1, T1, 0), task(1, JobState.SUCCEEDED, T1, T1, 1)),
                stored);

        assertThat(told(timeline))
                .containsExactly(
                        "job.created: 2 output(s)",
                        "task.started job_1/0: attempt 1 of 3 on worker w1",
                        "task.failed job_1/0: boom (attempt 1 of 3)",
                        "task.started job_1/1: attempt 1 of 3 on worker w1",
                        "task.succeeded job_1/1: 1 file(s) published",
                        "job.failed: 1 of 2 output(s) failed");
    }
}
