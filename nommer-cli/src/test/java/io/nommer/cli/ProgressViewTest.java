package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.cli.Views.Failure;
import io.nommer.cli.Views.Job;
import io.nommer.cli.Views.MediaInfo;
import io.nommer.cli.Views.Output;
import io.nommer.cli.Views.Profile;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

    private static Output output(String name, String state, double progress) {
        return output(name, state, progress, 1, null, null);
    }

    private static Output output(
            String name, String state, double progress, int attempt, Failure error, Profile profile) {
        return new Output(name, name, state, progress, attempt, 3, 0, null, null, null, List.of(), error, profile);
    }

    /** A job of a 100-second input. */
    private static Job job(String state, Output... outputs) {
        double progress = List.of(outputs).stream()
                .mapToDouble(Output::progress)
                .average()
                .orElse(0);
        return new Job(
                "job_1",
                state,
                progress,
                "default",
                "upload:upl_1",
                new MediaInfo(100.0),
                null,
                null,
                null,
                0,
                List.of(outputs));
    }

    @Test
    void frame_drawsABarPerOutput_withSpeedAndTimeLeftOnceProgressHasMovedAWhile() {
        ProgressView view = new ProgressView();
        view.frame(job("running", output("web", "running", 10), output("thumbs", "queued", 0, 0, null, null)), T0, 100);

        List<String> frame = view.frame(
                job("running", output("web", "running", 30), output("thumbs", "queued", 0, 0, null, null)),
                T0.plusSeconds(4),
                100);

        assertThat(frame).hasSize(3);
        assertThat(frame.get(0)).isEqualTo("job job_1: running 15.0%");
        // 20 points in 4 s: 5 %/s, so 70 points left take 14 s; 5 % of 100 s of media a second is 5x
        assertThat(frame.get(1)).startsWith("  web    running   [").endsWith("]  30.0%  5.0x, ETA 0:14");
        assertThat(frame.get(1)).contains("#########.");
        assertThat(frame.get(2)).endsWith("0.0%  waiting for a worker");
    }

    @Test
    void frame_showsNoSpeedUntilProgressWasWatchedForAFewSeconds() {
        ProgressView view = new ProgressView();
        view.frame(job("running", output("web", "running", 1)), T0, 100);

        List<String> frame = view.frame(job("running", output("web", "running", 2)), T0.plusSeconds(1), 100);

        assertThat(frame.get(1)).endsWith("2.0%");
    }

    @Test
    void frame_measuresSpeedAgainstTheClipNotTheWholeInput() {
        ProgressView view = new ProgressView();
        Profile clip = new Profile(90.0, 30.0); // only the last 10 s remain after the offset
        view.frame(job("running", output("end", "running", 0, 1, null, clip)), T0, 100);

        List<String> frame =
                view.frame(job("running", output("end", "running", 50, 1, null, clip)), T0.plusSeconds(5), 100);

        assertThat(frame.get(1)).endsWith("1.0x, ETA 0:05");
    }

    @Test
    void frame_saysWhyAnOutputWaitsOrFailed_andNeverWrapsTheTerminal() {
        ProgressView view = new ProgressView();
        List<String> frame = view.frame(
                job(
                        "running",
                        output("retried-output-with-a-long-name", "queued", 40, 1, null, null),
                        output("web", "failed", 12, 3, new Failure("encode_failed", "ffmpeg exited 1", null), null)),
                T0,
                120);

        assertThat(frame.get(1)).startsWith("  retried-output-with-a-lo queued").endsWith("retrying, attempt 2 of 3");
        assertThat(frame.get(2)).contains("failed").endsWith("encode_failed");
        assertThat(view.frame(job("running", output("retried-output-with-a-long-name", "queued", 40)), T0, 40))
                .allMatch(l -> l.length() < 40);
    }

    @Test
    void changes_sayWhichStackAQueuedOutputWaitsFor() {
        Output pinned =
                new Output("web", "web", "queued", 0, 0, 3, 0, null, null, null, List.of(), null, null, "ffmpeg-7.1");

        assertThat(new ProgressView().changes(job("queued", pinned), T0))
                .containsExactly("web: queued (waiting for a worker with stack ffmpeg-7.1)", "job job_1: queued");
    }

    @Test
    void changes_printALineWhenAStateChangesOrProgressPassesAnotherTenth() {
        ProgressView view = new ProgressView();

        assertThat(view.changes(job("queued", output("web", "queued", 0, 0, null, null)), T0))
                .containsExactly("web: queued (waiting for a worker)", "job job_1: queued");
        assertThat(view.changes(job("running", output("web", "running", 3)), T0.plusSeconds(1)))
                .containsExactly("web: running 3%", "job job_1: running");
        assertThat(view.changes(job("running", output("web", "running", 8)), T0.plusSeconds(2)))
                .isEmpty();
        assertThat(view.changes(job("running", output("web", "running", 23)), T0.plusSeconds(5)))
                .containsExactly("web: running 23% (5.0x, ETA 0:15)");
        assertThat(view.changes(job("succeeded", output("web", "succeeded", 100)), T0.plusSeconds(9)))
                .as("the summary that follows says the job's end")
                .containsExactly("web: succeeded");
    }

    @Test
    void redraw_movesUpOverTheLastFrameAndClearsWhatItLeavesBelow() {
        assertThat(Follow.redraw(0, List.of("a", "b"))).isEqualTo("\033[2Ka\n\033[2Kb\n\033[J");
        assertThat(Follow.redraw(2, List.of("c"))).isEqualTo("\033[2F\033[2Kc\n\033[J");
    }

    @Test
    void upload_saysHowMuchHasGoneAndHowFast() {
        assertThat(ProgressView.upload("clip.mp4", 600_000_000, 1_200_000_000, 20_000_000_000L, 100))
                .isEqualTo("uploading clip.mp4 [##########..........] 50.0% of 1.20 GB, 30.0 MB/s");
    }

    @Test
    void bar_fillsInProportion() {
        assertThat(ProgressView.bar(0, 4)).isEqualTo("[....]");
        assertThat(ProgressView.bar(50, 4)).isEqualTo("[##..]");
        assertThat(ProgressView.bar(100, 4)).isEqualTo("[####]");
    }
}
