package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.cli.Views.Job;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The commands about jobs that exist: status, watch, jobs, cancel, retry. */
final class JobCommands {
    private JobCommands() {}

    /**
     * Prints a finished (or looked-at) job's summary unless {@code json}, and answers the exit code its state means.
     */
    static int finish(Context ctx, JsonNode node, boolean json, boolean allFiles) {
        Job job = Views.read(node, Job.class);
        if (!json) {
            Summary.lines(job, allFiles).forEach(ctx.out()::println);
        }
        return job.state().equals("failed") || job.state().equals("cancelled") ? ExitCode.JOB_FAILED : ExitCode.OK;
    }

    @Command(
            name = "status",
            description = {
                "Print a job's state, progress and outputs.",
                "Per output, the file to open first (the master playlist, the manifest or the media file) and how"
                        + " many more there are.",
                "Exits 1 when the job failed or was cancelled."
            })
    static final class Status extends ApiCommand.OnJob {
        @Option(names = "--files", description = "List every file of every output, with its role, size and URL")
        boolean files;

        Status(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            JsonNode job = server.client(ctx).job(id);
            return finish(ctx, job, printedAsJson(job), files);
        }
    }

    @Command(
            name = "watch",
            description = {
                "Follow a job until it finishes.",
                "On a terminal, a live bar per output (state, percent, speed, time left); otherwise a line at every"
                        + " change. Then the job's summary.",
                "Ctrl-C stops watching, not the job. Exits 0 when the job succeeded, 1 when it failed or was"
                        + " cancelled."
            })
    static final class Watch extends ApiCommand.OnJob {
        @Option(names = "--files", description = "At the end, list every file of every output")
        boolean files;

        Watch(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            NommerClient client = server.client(ctx);
            return finish(ctx, new Follow(ctx, client, json, server.repeat()).until(id), json, files);
        }
    }

    @Command(
            name = "jobs",
            description = {"List jobs, newest first.", "A tenant's key sees its own tenant's jobs only."})
    static final class ListJobs extends ApiCommand {

        @Option(
                names = "--state",
                paramLabel = "STATE",
                split = ",",
                converter = States.class,
                completionCandidates = States.class,
                description = "Only jobs in these states: queued, running, succeeded, failed, cancelled (repeat or"
                        + " separate with commas)")
        List<String> states = new ArrayList<>();

        @Option(
                names = "--created-after",
                paramLabel = "TIME",
                converter = Time.class,
                description = "Only jobs created at or after TIME: 2026-05-01T12:00:00Z, 2026-05-01 (UTC), or an age"
                        + " such as 90m, 2h, 7d")
        Instant createdAfter;

        @Option(
                names = "--created-before",
                paramLabel = "TIME",
                converter = Time.class,
                description = "Only jobs created before TIME (same forms)")
        Instant createdBefore;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "20",
                description = "At most N jobs, 1 to 500 (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The next page, as the last page said")
        String cursor;

        ListJobs(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<String> query = new ArrayList<>();
            if (limit < 1 || limit > 500) {
                throw new picocli.CommandLine.ParameterException(
                        server.mixee.commandLine(), "--limit must be 1 to 500, not " + limit);
            }
            if (!states.isEmpty()) {
                query.add("state=" + String.join(",", states));
            }
            if (createdAfter != null) {
                query.add("created_after=" + createdAfter);
            }
            if (createdBefore != null) {
                query.add("created_before=" + createdBefore);
            }
            query.add("limit=" + limit);
            if (cursor != null) {
                query.add("cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            }
            JsonNode page = server.client(ctx).get("/v1/jobs?" + String.join("&", query));
            if (printedAsJson(page)) {
                return ExitCode.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode j : page.path("jobs")) {
                Job job = Views.read(j, Job.class);
                Instant created = Views.time(job.createdAt());
                rows.add(List.of(
                        job.id(),
                        job.state(),
                        Format.percent(job.progress()),
                        created == null
                                ? ""
                                : created.truncatedTo(ChronoUnit.SECONDS).toString(),
                        String.join(
                                ", ",
                                job.outputs().stream().map(Views.Output::name).toList())));
            }
            if (rows.isEmpty()) {
                ctx.out()
                        .println("no jobs"
                                + (states.isEmpty() && createdAfter == null && createdBefore == null ? "" : " match"));
            } else {
                Table.render(List.of("ID", "STATE", "PROGRESS", "CREATED", "OUTPUTS"), rows)
                        .forEach(ctx.out()::println);
            }
            if (page.hasNonNull("next_cursor")) {
                ctx.out()
                        .println("more: nommer jobs --cursor "
                                + page.path("next_cursor").asText() + " (with the same filters)");
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "cancel",
            description = {"Cancel a queued or running job.", "Its running encodes are stopped."})
    static final class Cancel extends ApiCommand.OnJob {
        Cancel(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            JsonNode job = server.client(ctx).cancel(id);
            ctx.out().println(json ? job.toString() : Summary.header(Views.read(job, Job.class)));
            return ExitCode.OK;
        }
    }

    @Command(
            name = "retry",
            description = {
                "Run a finished job's failed outputs again.",
                "Failed and cancelled outputs are queued again; those that succeeded are kept."
            })
    static final class Retry extends ApiCommand.OnJob {
        @Option(names = "--wait", description = "Follow the job until it finishes again")
        boolean wait;

        Retry(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            NommerClient client = server.client(ctx);
            JsonNode job = client.retry(id);
            ctx.out().println(json ? job.toString() : Summary.header(Views.read(job, Job.class)));
            if (!wait) {
                return ExitCode.OK;
            }
            return finish(ctx, new Follow(ctx, client, json, server.repeat()).until(id), json, false);
        }
    }

    /** Job states. */
    static final class States extends ApiCommand.Choices {
        private static final long serialVersionUID = 1;

        States() {
            super("queued", "running", "succeeded", "failed", "cancelled");
        }
    }

    /** A time: an instant, a UTC date, or an age ({@code 90m}, {@code 2h}, {@code 7d}) before now. */
    static final class Time implements ITypeConverter<Instant> {
        private static final Pattern AGE = Pattern.compile("([0-9]+)([smhd])");

        @Override
        public Instant convert(String value) {
            Matcher age = AGE.matcher(value.strip());
            if (age.matches()) {
                long n = Long.parseLong(age.group(1));
                Duration d = switch (age.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return Instant.now().minus(d).truncatedTo(ChronoUnit.SECONDS);
            }
            try {
                return Instant.parse(value.strip());
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return LocalDate.parse(value.strip())
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant();
                } catch (DateTimeParseException e) {
                    throw new TypeConversionException("expected a time such as 2026-05-01T12:00:00Z, a date such"
                            + " as 2026-05-01, or an age such as 2h, not '" + value + "'");
                }
            }
        }
    }
}
