package io.nommer.core.job;

/**
 * A job names an idempotency key that an earlier job holds, but the request that created that job was a different
 * one (its {@link NewJob#requestHash()} differs): answering the earlier job would hide the new request's content, so
 * the store refuses it, as payment APIs do.
 *
 * @see JobStore#createAll
 */
public final class IdempotencyKeyReusedException extends RuntimeException {
    private final int jobIndex;
    private final String key;
    private final String holder;

    /**
     * @param jobIndex which of the jobs given to the store
     * @param holder the job that holds the key (perhaps an earlier job of the same batch)
     */
    public IdempotencyKeyReusedException(int jobIndex, String key, String holder) {
        super(describe(key, holder));
        this.jobIndex = jobIndex;
        this.key = key;
        this.holder = holder;
    }

    /** What happened, naming the key as {@code key} (the caller may show the client its own spelling). */
    public static String describe(String key, String holder) {
        return "the Idempotency-Key '" + key + "' was used by job " + holder
                + " for a different request; use a new key for a new request";
    }

    public int jobIndex() {
        return jobIndex;
    }

    public String key() {
        return key;
    }

    public String holder() {
        return holder;
    }
}
