package io.nommer.core.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A job's whole timeline: the events stored for it, and the four routine ones every job has, which the store does not
 * write as rows because the job's and its tasks' own columns already record them. They are {@code job.created} (the
 * job's creation time), each task's first {@code task.started} (its first start time and worker), each
 * {@code task.succeeded} (its finish time and files) and {@code job.succeeded} (the job's finish time). Storing them
 * cost a row and an index entry each, about a fifth of what a job wrote.
 *
 * <p>A routine event already stored (by an older version, or a first start the store wrote down before its worker's
 * name was cleared from the task) is not told twice. Where a routine event falls among the stored ones is decided by
 * what it is about, not only by its time, since events a millisecond apart share a time: a task's first start comes
 * before everything else about the task, its success after everything else about it, and the job's success after all
 * of it. Events are numbered by their place in the timeline, from 1.
 */
public final class RoutineEvents {
    private static final String CREATED = Timeline.created(0).type();
    private static final String STARTED = Timeline.started("").type();
    private static final String SUCCEEDED = Timeline.succeeded(0).type();
    private static final String JOB_SUCCEEDED = new JobOutcome(JobState.SUCCEEDED, "").eventType();
    /** The job's stored ends. */
    private static final Set<String> ENDS =
            Set.of(new JobOutcome(JobState.FAILED, "").eventType(), new JobOutcome(JobState.CANCELLED, "").eventType());

    /**
     * What a job's row says.
     *
     * @param outputs the job's outputs (its tasks that are not a rendition of a ladder)
     * @param tasks all its tasks
     */
    public record JobFacts(String id, JobState state, Instant createdAt, Instant finishedAt, int outputs, int tasks) {}

    /**
     * What a task's row says.
     *
     * @param startedAt when its first attempt started, or null
     * @param worker the worker its row names (the first attempt's until the task is put back in the queue)
     * @param files how many files it published
     */
    public record TaskFacts(
            String id,
            int index,
            JobState state,
            Instant startedAt,
            Instant finishedAt,
            int maxAttempts,
            String worker,
            int files) {}

    private RoutineEvents() {}

    /**
     * The job's timeline: {@code stored} (any order) with the routine events its rows record, numbered from 1.
     *
     * @param tasks the job's tasks, by index
     */
    public static List<JobEvent> timeline(JobFacts job, List<TaskFacts> tasks, List<JobEvent> stored) {
        List<JobEvent> rows = new ArrayList<>(stored);
        rows.sort(Comparator.comparing(JobEvent::at).thenComparingLong(JobEvent::id));
        firstStartsFirst(rows);
        // each routine event goes before the stored row at its anchor (rows.size(): after all of them); routine events
        // at the same anchor in time order, and at the same time: created, starts, successes, the job's success
        List<Placed> routine = new ArrayList<>();
        if (rows.stream().noneMatch(e -> e.type().equals(CREATED))) {
            routine.add(new Placed(0, 0, 0, event(job, null, job.createdAt(), Timeline.created(job.outputs()))));
        }
        for (TaskFacts t : tasks) {
            int first = -1;
            int last = -1;
            boolean started = false;
            boolean succeeded = false;
            for (int i = 0; i < rows.size(); i++) {
                JobEvent e = rows.get(i);
                if (t.id().equals(e.taskId())) {
                    first = first < 0 ? i : first;
                    last = i;
                    started |= e.type().equals(STARTED);
                    succeeded |= e.type().equals(SUCCEEDED);
                }
            }
            if (t.startedAt() != null && !started) {
                routine.add(new Placed(
                        first >= 0 ? first : forTask(rows, t.startedAt()),
                        1,
                        t.index(),
                        event(
                                job,
                                t.id(),
                                t.startedAt(),
                                Timeline.started(Timeline.attempt(1, t.maxAttempts(), t.worker())))));
            }
            if (t.state() == JobState.SUCCEEDED && t.finishedAt() != null && !succeeded) {
                routine.add(new Placed(
                        Math.max(last + 1, forTask(rows, t.finishedAt())),
                        2,
                        t.index(),
                        event(job, t.id(), t.finishedAt(), Timeline.succeeded(t.files()))));
            }
        }
        if (job.state() == JobState.SUCCEEDED
                && job.finishedAt() != null
                && rows.stream().noneMatch(e -> e.type().equals(JOB_SUCCEEDED))) {
            JobOutcome outcome =
                    JobOutcome.of(Map.of(JobState.SUCCEEDED, job.tasks())).orElseThrow();
            routine.add(new Placed(
                    Math.max(after(rows, job.finishedAt()), lastAnchor(routine)),
                    3,
                    0,
                    event(job, null, job.finishedAt(), Timeline.finished(outcome))));
        }
        routine.sort(Comparator.comparingInt(Placed::anchor)
                .thenComparing(p -> p.event().at())
                .thenComparingInt(Placed::kind)
                .thenComparingInt(Placed::order));
        List<JobEvent> timeline = new ArrayList<>(rows.size() + routine.size());
        int r = 0;
        for (int i = 0; i <= rows.size(); i++) {
            while (r < routine.size() && routine.get(r).anchor() == i) {
                timeline.add(routine.get(r++).event());
            }
            if (i < rows.size()) {
                timeline.add(rows.get(i));
            }
        }
        List<JobEvent> numbered = new ArrayList<>(timeline.size());
        for (JobEvent e : timeline) {
            numbered.add(new JobEvent(numbered.size() + 1, e.jobId(), e.at(), e.type(), e.taskId(), e.message()));
        }
        return numbered;
    }

    /** A routine event, to go before the stored row at {@code anchor}. */
    private record Placed(int anchor, int kind, int order, JobEvent event) {}

    private static JobEvent event(JobFacts job, String taskId, Instant at, Timeline.Entry entry) {
        return new JobEvent(0, job.id(), at, entry.type(), taskId, entry.message());
    }

    /** The place after every stored row at or before {@code at}. */
    private static int after(List<JobEvent> rows, Instant at) {
        int i = 0;
        while (i < rows.size() && !rows.get(i).at().isAfter(at)) {
            i++;
        }
        return i;
    }

    /**
     * The place for a task's event at {@code at}: after every stored row before it, and after those at the same time
     * up to the job's own end (a job fails or is cancelled after what its tasks did in that millisecond).
     */
    private static int forTask(List<JobEvent> rows, Instant at) {
        int i = 0;
        while (i < rows.size()
                && (rows.get(i).at().isBefore(at)
                        || rows.get(i).at().equals(at)
                                && !ENDS.contains(rows.get(i).type()))) {
            i++;
        }
        return i;
    }

    private static int lastAnchor(List<Placed> routine) {
        return routine.stream().mapToInt(Placed::anchor).max().orElse(0);
    }

    /**
     * A task's first stored start was written when its attempt ended without success (so that the worker's name
     * outlived the row's), after the events of that attempt: it goes back before the task's other events.
     */
    private static void firstStartsFirst(List<JobEvent> rows) {
        List<String> tasks = rows.stream()
                .map(JobEvent::taskId)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        for (String task : tasks) {
            int first = -1;
            int start = -1;
            for (int i = 0; i < rows.size() && start < 0; i++) {
                if (task.equals(rows.get(i).taskId())) {
                    first = first < 0 ? i : first;
                    start = rows.get(i).type().equals(STARTED) ? i : -1;
                }
            }
            if (start > first) {
                rows.add(first, rows.remove(start));
            }
        }
    }
}
