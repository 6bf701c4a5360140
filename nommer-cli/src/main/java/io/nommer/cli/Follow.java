package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.cli.Views.Job;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Follows a job until it finishes, looking once a second: live bars on a terminal, a line per change otherwise, or
 * with {@code --json} the job's document whenever it changes, one per line. The job runs on the server whatever
 * happens here: Ctrl-C says so and how to follow it again; a server that stops answering (an orchestrator restart) is
 * asked again for {@link #RECONNECT} before giving up.
 */
final class Follow {
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration RECONNECT = Duration.ofMinutes(5);

    private final Context ctx;
    private final NommerClient client;
    private final boolean json;
    private final String repeat;

    /**
     * @param repeat options to repeat in the command that follows the job again ({@code --server ...})
     */
    Follow(Context ctx, NommerClient client, boolean json, String repeat) {
        this.ctx = ctx;
        this.client = client;
        this.json = json;
        this.repeat = repeat;
    }

    /** Returns the finished job's document. */
    JsonNode until(String id) throws IOException, InterruptedException {
        Thread hook = new Thread(() -> stopped(id), "nommer-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return poll(id);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running
            }
        }
    }

    private JsonNode poll(String id) throws IOException, InterruptedException {
        ProgressView view = new ProgressView();
        JsonNode last = null;
        int drawn = 0;
        Instant lost = null;
        while (true) {
            JsonNode node;
            try {
                node = client.job(id);
            } catch (IOException e) {
                boolean transientError = !(e instanceof NommerClient.ApiError a) || a.status() >= 500;
                if (!transientError || (lost != null && Instant.now().isAfter(lost.plus(RECONNECT)))) {
                    throw e;
                }
                if (lost == null) {
                    lost = Instant.now();
                    ctx.err()
                            .println("nommer: " + e.getMessage() + "; asking again for the next "
                                    + RECONNECT.toMinutes() + " minutes (the job runs on regardless)");
                }
                Thread.sleep(POLL.toMillis());
                continue;
            }
            if (lost != null) {
                ctx.err().println("nommer: the server answers again");
                lost = null;
            }
            Job job = Views.read(node, Job.class);
            if (json) {
                if (!node.equals(last)) {
                    ctx.out().println(node);
                }
            } else if (ctx.terminal().interactive()) {
                List<String> frame =
                        view.frame(job, Instant.now(), ctx.terminal().columns());
                ctx.out().print(redraw(drawn, frame));
                ctx.out().flush();
                drawn = frame.size();
            } else {
                view.changes(job, Instant.now()).forEach(ctx.out()::println);
            }
            last = node;
            if (job.finished()) {
                return node;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Moves up over the {@code drawn} lines of the last frame, and writes {@code frame} over them. */
    static String redraw(int drawn, List<String> frame) {
        StringBuilder b = new StringBuilder();
        if (drawn > 0) {
            b.append("\033[").append(drawn).append('F'); // to the start of the line `drawn` rows up
        }
        for (String line : frame) {
            b.append("\033[2K").append(line).append('\n');
        }
        return b.append("\033[J").toString(); // clears what an earlier, longer frame left below
    }

    /** Ctrl-C (or SIGTERM) while following: the job is not stopped, so say how to follow or stop it. */
    private void stopped(String id) {
        ctx.err()
                .println((ctx.terminal().interactive() ? "\n" : "") + "nommer: stopped following; job " + id
                        + " keeps running on the server.\n  follow it: nommer watch " + id + repeat
                        + "\n  cancel it: nommer"
                        + " cancel " + id + repeat);
        ctx.err().flush();
    }
}
