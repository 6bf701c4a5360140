package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nommer batch}: PiCloud's library example. Every media file under the folders given becomes a job with an
 * output per preset, submitted through the bulk endpoint a few at a time and followed to the end, with a table of
 * what each video took and cost.
 *
 * <p>Resumable without any local state: each file's job carries an idempotency key made from the file (its path,
 * size and modification time) and the job's settings, and before uploading anything the command asks the server
 * for the job holding that key. A job that succeeded is not submitted again, one that failed or was cancelled is
 * retried, one still running is followed, so a second run finishes what the first began and reports both.
 */
@Command(
        name = "batch",
        description = {
            "Encode a whole library: a job per media file, an output per --preset, followed to the end, with the"
                    + " time, CPU seconds and cost of each video.",
            "Run it again to resume: nothing that succeeded is submitted again, what failed is retried, and the table"
                    + " shows both runs."
        },
        footer = {
            "",
            "Examples:",
            "  nommer batch videos/ --preset flv-320x240 --preset mp4-mpeg4-320x180 --report report.csv",
            "  nommer batch a.avi b.avi --preset mp4-h264 --concurrency 4",
            "  nommer batch /srv/media --pattern '*.mov' --preset hls-ladder --inputs file",
            "",
            "Cost is each job's CPU seconds at its cloud's price per core-hour (PUT /v1/clouds/NAME",
            "{\"price_per_core_hour\": 0.05}); without a price it is shown as unknown."
        })
final class BatchCommand extends EncodeCommand {
    /** What {@code --pattern} matches when not given: the usual video and audio file names. */
    static final String MEDIA_PATTERN = "*.{avi,mp4,m4v,mov,mkv,webm,flv,mpg,mpeg,ts,mts,m2ts,wmv,3gp,mxf,dv,ogv,"
            + "mp3,wav,m4a,aac,ogg,oga,flac,opus}";

    /** How the server gets the files. */
    enum Inputs {
        auto,
        upload,
        file
    }

    @Parameters(
            paramLabel = "DIR|FILE",
            arity = "1..*",
            description = "Folders (searched with their subfolders) and files to encode")
    List<Path> sources;

    @Option(
            names = "--pattern",
            paramLabel = "GLOB",
            description = "Which files in the folders to encode, by name (default: common video and audio"
                    + " extensions, " + MEDIA_PATTERN + "); files named on the command line are always taken")
    String pattern = MEDIA_PATTERN;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "Videos submitted and not yet finished at once (default: ${DEFAULT-VALUE}); the farm's"
                    + " workers decide how many encode at the same time")
    int concurrency = 32;

    @Option(
            names = "--inputs",
            paramLabel = "HOW",
            description = "upload: send each file to the server; file: pass file:///path URIs the server reads"
                    + " itself (under its input_roots); auto (default): file: when the server can read them, else"
                    + " upload")
    Inputs inputs = Inputs.auto;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the table as CSV to FILE")
    Path report;

    BatchCommand(Context ctx) {
        super(ctx);
    }

    /** A file of the library and the job that encodes it. */
    static final class Video {
        final Path file;
        final String key;
        final long size;
        JsonNode job;
        /** How this run found it: submitted, retried, following (running already), done (succeeded earlier). */
        String how;

        Video(Path file, String key, long size) {
            this.file = file;
            this.key = key;
            this.size = size;
        }

        String state() {
            return job == null ? "waiting" : job.path("state").asText();
        }

        boolean finished() {
            return job != null && Views.finished(state());
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (concurrency < 1) {
            throw usage("--concurrency must be at least 1, not " + concurrency);
        }
        List<Video> videos = find();
        NommerClient client = server.client(ctx);
        checkWithServer(client);
        Map<String, JsonNode> overrides = overrides(sets);

        Deque<Video> pending = new ArrayDeque<>();
        List<Video> running = new ArrayList<>();
        for (Video v : videos) {
            JsonNode found = client.get("/v1/jobs?limit=1&idempotency_key=" + NommerClient.segment(v.key))
                    .path("jobs");
            if (found.isEmpty()) {
                pending.add(v);
                continue;
            }
            v.job = found.get(0);
            switch (v.state()) {
                case "succeeded" -> v.how = "done";
                case "failed", "cancelled" -> {
                    v.job = client.retry(v.job.path("id").asText());
                    v.how = "retried";
                    running.add(v);
                }
                default -> {
                    v.how = "following";
                    running.add(v);
                }
            }
        }
        if (!json) {
            ctx.out().println(plan(videos, pending.size()));
        }

        Thread hook = new Thread(() -> stopped(running.size() + pending.size()), "nommer-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            follow(client, overrides, pending, running, videos);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running
            }
        }
        BatchReport table = new BatchReport(videos);
        if (report != null) {
            writeReport(table);
        }
        if (json) {
            ctx.out().println(table.json(client.mapper()));
        } else {
            table.lines().forEach(ctx.out()::println);
            if (report != null) {
                ctx.out().println("report: " + report);
            }
        }
        return videos.stream().allMatch(v -> "succeeded".equals(v.state())) ? ExitCode.OK : ExitCode.JOB_FAILED;
    }

    /** The files to encode, each once, in name order. */
    private List<Video> find() throws IOException {
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        } catch (IllegalArgumentException e) {
            throw usage("--pattern " + pattern + " is not a glob: " + e.getMessage());
        }
        TreeSet<Path> files = new TreeSet<>();
        for (Path source : sources) {
            if (Files.isRegularFile(source)) {
                files.add(source.toRealPath());
            } else if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .filter(f -> matcher.matches(f.getFileName()))
                            .forEach(f -> files.add(realPath(f)));
                }
            } else {
                throw usage("no such file or folder: " + source);
            }
        }
        if (files.isEmpty()) {
            throw usage("no files matching " + pattern + " in " + sources + " (--pattern GLOB chooses others)");
        }
        List<Video> videos = new ArrayList<>();
        for (Path f : files) {
            videos.add(new Video(f, key(f), Files.size(f)));
        }
        return videos;
    }

    private static Path realPath(Path f) {
        try {
            return f.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file's job's idempotency key: the same file (path, size, modification time) with the same settings gives
     * the same key, so a second run finds the first run's job; a changed file or setting makes a new job.
     */
    private String key(Path file) throws IOException {
        String identity = String.join(
                "\n",
                file.toString(),
                Long.toString(Files.size(file)),
                Long.toString(Files.getLastModifiedTime(file).toMillis()),
                String.join(",", presets),
                String.join(",", sets),
                String.valueOf(priority),
                String.valueOf(cloud));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "batch-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String plan(List<Video> videos, int toSubmit) {
        long done = videos.stream().filter(v -> "done".equals(v.how)).count();
        long retried = videos.stream().filter(v -> "retried".equals(v.how)).count();
        long following = videos.stream().filter(v -> "following".equals(v.how)).count();
        StringBuilder b = new StringBuilder("batch: " + videos.size() + (videos.size() == 1 ? " file" : " files"));
        b.append(": ").append(toSubmit).append(" to submit");
        if (done > 0) {
            b.append(", ").append(done).append(" done in an earlier run");
        }
        if (retried > 0) {
            b.append(", ").append(retried).append(" failed earlier and retried");
        }
        if (following > 0) {
            b.append(", ").append(following).append(" still running from an earlier run");
        }
        return b.toString();
    }

    /** Submits as room frees up and looks at the running jobs once a second until every video is finished. */
    private void follow(
            NommerClient client,
            Map<String, JsonNode> overrides,
            Deque<Video> pending,
            List<Video> running,
            List<Video> videos)
            throws IOException, InterruptedException {
        BatchProgress progress = new BatchProgress(videos, Instant.now());
        int drawn = 0;
        while (!pending.isEmpty() || !running.isEmpty()) {
            List<Video> next = new ArrayList<>();
            while (!pending.isEmpty() && running.size() + next.size() < concurrency) {
                next.add(pending.poll());
            }
            if (!next.isEmpty()) {
                boolean printed = submit(client, overrides, next);
                running.addAll(next);
                if (printed) {
                    drawn = 0; // upload lines went below the last frame: draw the next one afresh
                }
            }
            for (Video v : running) {
                JsonNode before = v.job;
                v.job = client.job(v.job.path("id").asText());
                if (json && v.finished() && !v.job.equals(before)) {
                    ctx.out().println(v.job);
                }
            }
            running.removeIf(Video::finished);
            Instant now = Instant.now();
            if (json) {
                // only the finished jobs, above
            } else if (ctx.terminal().interactive()) {
                List<String> frame = progress.frame(now, ctx.terminal().columns());
                ctx.out().print(Follow.redraw(drawn, frame));
                ctx.out().flush();
                drawn = frame.size();
            } else {
                progress.changes(now).forEach(ctx.out()::println);
            }
            if (!pending.isEmpty() || !running.isEmpty()) {
                Thread.sleep(Follow.POLL.toMillis());
            }
        }
    }

    /**
     * Submits {@code next} in one bulk request, each job with its file's key. Answers whether it printed anything
     * (upload lines on a terminal).
     */
    private boolean submit(NommerClient client, Map<String, JsonNode> overrides, List<Video> next)
            throws IOException, InterruptedException {
        if (inputs != Inputs.upload) {
            List<ObjectNode> jobs = new ArrayList<>();
            for (Video v : next) {
                jobs.add(job(client, v.file.toUri().toString(), overrides).put("idempotency_key", v.key));
            }
            try {
                received(client.submitBulk(jobs), next, "submitted");
                return false;
            } catch (NommerClient.ApiError e) {
                if (inputs == Inputs.file || !"invalid_input".equals(e.code())) {
                    throw e;
                }
                inputs = Inputs.upload;
                ctx.err()
                        .println("nommer: the server cannot read these files itself (" + e.getMessage()
                                + "); uploading them instead");
            }
        }
        List<ObjectNode> jobs = new ArrayList<>();
        for (Video v : next) {
            jobs.add(job(client, upload(client, v.file), overrides).put("idempotency_key", v.key));
        }
        received(client.submitBulk(jobs), next, "submitted");
        return !json;
    }

    private static void received(JsonNode receipts, List<Video> videos, String how) {
        for (int i = 0; i < videos.size(); i++) {
            videos.get(i).job = receipts.path("jobs").get(i);
            videos.get(i).how = how;
        }
    }

    private void writeReport(BatchReport table) throws IOException {
        try (Writer w = Files.newBufferedWriter(report, StandardCharsets.UTF_8)) {
            for (String line : table.csv()) {
                w.write(line);
                w.write('\n');
            }
        }
    }

    /** Ctrl-C: the jobs go on; running the command again follows them and submits nothing twice. */
    private void stopped(int unfinished) {
        ctx.err()
                .println((ctx.terminal().interactive() ? "\n" : "") + "nommer: stopped; " + unfinished
                        + " video(s) not finished. Submitted jobs keep running on the server. Run the same command"
                        + " again to follow them and submit the rest (nothing is submitted twice).");
        ctx.err().flush();
    }

    /** The overall bar and a line per running video, or the changes since the last look. */
    static final class BatchProgress {
        private final List<Video> videos;
        private final Instant start;
        private final double doneAtStart;
        private final Map<Video, String> reported = new LinkedHashMap<>();
        private int reportedTenth = -1;

        BatchProgress(List<Video> videos, Instant start) {
            this.videos = videos;
            this.start = start;
            this.doneAtStart = videos.stream().filter(v -> "done".equals(v.how)).count();
            videos.stream().filter(v -> "done".equals(v.how)).forEach(v -> reported.put(v, "succeeded"));
        }

        /** Videos done, counting each running one by its progress. */
        private double units() {
            double u = 0;
            for (Video v : videos) {
                u += v.finished()
                        ? 1
                        : v.job == null ? 0 : v.job.path("progress").asDouble() / 100;
            }
            return u;
        }

        String overall(Instant now, int barWidth) {
            long succeeded =
                    videos.stream().filter(v -> "succeeded".equals(v.state())).count();
            long failed = videos.stream()
                    .filter(v -> v.finished() && !"succeeded".equals(v.state()))
                    .count();
            long bytesIn = 0;
            long bytesOut = 0;
            for (Video v : videos) {
                bytesIn += v.job == null ? 0 : v.size;
                bytesOut += BatchReport.bytesOut(v.job);
            }
            double units = units();
            Duration elapsed = Duration.between(start, now);
            double gained = units - doneAtStart;
            String eta = gained <= 0.01 || units >= videos.size()
                    ? ""
                    : ", ETA "
                            + Format.clock(
                                    Duration.ofMillis((long) (elapsed.toMillis() / gained * (videos.size() - units))));
            return String.format(
                    Locale.ROOT,
                    "%d/%d done, %d failed %s %s  in %s, out %s, %s%s",
                    succeeded,
                    videos.size(),
                    failed,
                    ProgressView.bar(100 * units / videos.size(), barWidth),
                    Format.percent(100 * units / videos.size()),
                    Format.bytes(bytesIn),
                    Format.bytes(bytesOut),
                    Format.clock(elapsed),
                    eta);
        }

        List<String> frame(Instant now, int columns) {
            List<String> lines = new ArrayList<>();
            lines.add(ProgressView.fit(overall(now, 20), columns));
            int nameWidth = Math.min(
                    32,
                    videos.stream()
                            .mapToInt(v -> v.file.getFileName().toString().length())
                            .max()
                            .orElse(0));
            for (Video v : videos) {
                if (v.job == null || v.finished()) {
                    continue;
                }
                String name = v.file.getFileName().toString();
                lines.add(ProgressView.fit(
                        String.format(
                                Locale.ROOT,
                                "  %-" + nameWidth + "s %-9s %s %6s",
                                name.length() > nameWidth ? name.substring(0, nameWidth) : name,
                                v.state(),
                                ProgressView.bar(v.job.path("progress").asDouble(), 20),
                                Format.percent(v.job.path("progress").asDouble())),
                        columns));
            }
            return lines;
        }

        /** When not on a terminal: a line per video whose state changed, and the overall line every tenth. */
        List<String> changes(Instant now) {
            List<String> lines = new ArrayList<>();
            for (Video v : videos) {
                if (v.job == null || v.state().equals(reported.get(v))) {
                    continue;
                }
                reported.put(v, v.state());
                lines.add(v.file.getFileName() + ": " + v.state() + " ("
                        + v.job.path("id").asText() + ")");
            }
            int tenth = (int) (10 * units() / videos.size());
            if (tenth != reportedTenth || !lines.isEmpty()) {
                reportedTenth = tenth;
                lines.add(overall(now, 10));
            }
            return lines;
        }
    }
}
