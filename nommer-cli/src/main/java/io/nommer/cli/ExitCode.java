package io.nommer.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** How {@code nommer} ends, for scripts; listed in every command's help and in the README. */
final class ExitCode {
    static final int OK = 0;
    /** The job failed or was cancelled (submit --wait, watch, status, retry --wait), or another error. */
    static final int JOB_FAILED = 1;
    /** A bad command line: an unknown option, a missing value, a preset or cloud the server does not know. */
    static final int USAGE = 2;
    /** Nothing answered at the server's address. */
    static final int UNREACHABLE = 3;
    /** The server refused the request (a 4xx problem: not found, unauthorized, invalid field...). */
    static final int REFUSED = 4;
    /** The server failed the request (a 5xx problem, such as its storage being unavailable). */
    static final int SERVER_ERROR = 5;
    /** Interrupted (Ctrl-C); a job being followed keeps running. */
    static final int INTERRUPTED = 130;

    private ExitCode() {}

    /** The list shown under "Exit codes" in help. */
    static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "done; the job succeeded");
        m.put(Integer.toString(JOB_FAILED), "the job failed or was cancelled, or another error");
        m.put(Integer.toString(USAGE), "bad usage: unknown option, missing value, unknown preset or cloud");
        m.put(Integer.toString(UNREACHABLE), "the server cannot be reached");
        m.put(Integer.toString(REFUSED), "the server refused the request (4xx: not found, unauthorized...)");
        m.put(Integer.toString(SERVER_ERROR), "the server failed the request (5xx)");
        m.put(Integer.toString(INTERRUPTED), "interrupted (Ctrl-C); a followed job keeps running");
        return m;
    }
}
