package io.nommer.cli;

import io.nommer.cli.Views.Job;
import io.nommer.cli.Views.Output;
import io.nommer.cli.Views.OutputFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A job told briefly: per output, the file a person opens first (the master playlist, the manifest, the archive or
 * the media file) and how many more there are, not every segment.
 */
final class Summary {
    /** Which file leads an output, lowest first; roles not named here come last. */
    private static final Map<String, Integer> LEAD = Map.of(
            "master_playlist", 0,
            "manifest", 1,
            "archive", 2,
            "media", 3,
            "video", 3,
            "audio", 3,
            "thumbnail", 4,
            "variant_playlist", 5,
            "segment", 6);

    /** An output's files: the one to open, how many others, all their bytes. */
    record Group(OutputFile lead, int others, long bytes) {
        String describe() {
            return lead.name() + (others == 0 ? "" : " + " + others + (others == 1 ? " file" : " files")) + ", "
                    + Format.bytes(bytes);
        }
    }

    private Summary() {}

    /** Null when there are no files. */
    static Group group(List<OutputFile> files) {
        if (files.isEmpty()) {
            return null;
        }
        // why: the API lists segments first and manifests last; among equals the first listed leads
        OutputFile lead = files.stream()
                .min(Comparator.comparingInt(f -> LEAD.getOrDefault(f.role(), 7)))
                .orElseThrow();
        return new Group(
                lead,
                files.size() - 1,
                files.stream().mapToLong(OutputFile::size).sum());
    }

    /**
     * @param allFiles list every file of every output, not just the one that leads
     */
    static List<String> lines(Job job, boolean allFiles) {
        List<String> lines = new ArrayList<>();
        lines.add(header(job));
        for (Output o : job.outputs()) {
            Group g = group(o.files());
            if (o.state().equals("succeeded") && g != null) {
                lines.add("  " + o.label() + ": " + g.describe());
                if (!allFiles) {
                    lines.add("    " + g.lead().url());
                }
                if (g.lead().uri() != null && !g.lead().uri().startsWith("storage:")) {
                    lines.add("    saved as " + g.lead().uri());
                }
            } else {
                String line = "  " + o.label() + ": " + o.state();
                if (!o.state().equals("succeeded") && o.progress() > 0) {
                    line += " " + Format.percent(o.progress());
                }
                if (o.attempt() > 1 && !Views.finished(o.state())) {
                    line += " (attempt " + o.attempt() + " of " + o.maxAttempts() + ")";
                }
                lines.add(line);
            }
            if (o.error() != null) {
                lines.add("    error " + o.error().code() + ": " + o.error().message());
                if (o.error().logTail() != null) {
                    o.error().logTail().lines().forEach(l -> lines.add("      | " + l));
                }
            }
            if (allFiles) {
                for (OutputFile f : o.files()) {
                    lines.add(String.format(
                            Locale.ROOT, "    %-16s %10s  %s", f.role(), Format.bytes(f.size()), f.url()));
                }
            }
        }
        return lines;
    }

    /** {@code job job_x: succeeded 100.0%, took 0:14, 21.3 CPU seconds}. */
    static String header(Job job) {
        String line = "job " + job.id() + ": " + job.state() + " " + Format.percent(job.progress());
        Instant created = Views.time(job.createdAt());
        Instant finished = Views.time(job.finishedAt());
        if (job.finished() && created != null && finished != null) {
            line += ", took " + Format.clock(Duration.between(created, finished));
        }
        if (job.cpuSeconds() > 0) {
            line += String.format(Locale.ROOT, ", %.1f CPU seconds", job.cpuSeconds());
        }
        return line;
    }
}
