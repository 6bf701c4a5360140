package io.nommer.core.job;

/**
 * How a job's tasks are numbered and named. An output's task has the output's index; a rendition of a ladder spread
 * over workers has {@link #partIndex}. A task's id is derived from its job's id and its index, so it is stable,
 * unique, and names its job ({@link #jobIdOf}): a store finds a task by id through its job.
 */
public final class TaskIds {
    /** Rendition task indexes start here, well above any output index ({@code MAX_OUTPUTS} is far smaller). */
    private static final int FIRST_PART = 1000;

    private TaskIds() {}

    /** The task index of rung {@code rung} of output {@code output} when a ladder is spread over workers. */
    public static int partIndex(int output, int rung) {
        return FIRST_PART + output * 10 + rung;
    }

    /**
     * The id of a job's task {@code index}. Job ids the service makes start with {@code job_}, and their tasks are
     * {@code tsk_<rest>_<n>}; any other job id {@code j} gives {@code tsk.<j>_<n>}, so that no two job ids give the
     * same task id.
     */
    public static String taskId(String jobId, int index) {
        return jobId.startsWith("job_") ? "tsk_" + jobId.substring(4) + "_" + index : "tsk." + jobId + "_" + index;
    }

    /** The job id {@code taskId} was derived from ({@link #taskId}), or null when it is no task id. */
    public static String jobIdOf(String taskId) {
        int end = taskId.lastIndexOf('_');
        if (end <= 4) {
            return null;
        }
        if (taskId.startsWith("tsk_")) {
            return "job_" + taskId.substring(4, end);
        }
        return taskId.startsWith("tsk.") ? taskId.substring(4, end) : null;
    }
}
