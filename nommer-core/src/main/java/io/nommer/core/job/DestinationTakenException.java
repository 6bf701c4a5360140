package io.nommer.core.job;

/**
 * A new or retried output would publish into a destination folder under a name that another job's output, queued,
 * running or succeeded, already publishes under: its files would overwrite the other job's. Outputs are published
 * exactly once, so the store refuses it.
 *
 * @see JobStore#createAll
 * @see JobStore#retry
 */
public final class DestinationTakenException extends RuntimeException {
    private final int jobIndex;
    private final String output;
    private final String destination;
    private final String holder;

    /**
     * @param jobIndex which of the jobs given to the store (0 for a retry)
     * @param output the output's name
     * @param holder the job whose output holds the place, or null when an earlier job of the same batch does
     */
    public DestinationTakenException(int jobIndex, String output, String destination, String holder) {
        super("output '" + output + "' would overwrite the files of "
                + (holder == null ? "an earlier job of this request" : "job " + holder) + ", whose output '" + output
                + "' publishes into " + destination + "; choose another output name or destination");
        this.jobIndex = jobIndex;
        this.output = output;
        this.destination = destination;
        this.holder = holder;
    }

    public int jobIndex() {
        return jobIndex;
    }

    public String output() {
        return output;
    }

    public String destination() {
        return destination;
    }

    /** The job holding the place, or null when it is an earlier job of the same batch. */
    public String holder() {
        return holder;
    }
}
