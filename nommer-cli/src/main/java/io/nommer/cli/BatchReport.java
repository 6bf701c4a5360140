package io.nommer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nommer.cli.BatchCommand.Video;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a batch took, per video and in total: the input's duration, the job's wall time (first start to finish), its
 * CPU seconds and cost, the bytes in and out. As a table for people, CSV for {@code --report}, JSON for scripts.
 */
final class BatchReport {
    /** One video's figures; {@code cost} null when its cloud has no price. */
    record Row(
            Video video,
            String state,
            Double mediaSeconds,
            Duration wall,
            double cpuSeconds,
            Double cost,
            long bytesIn,
            long bytesOut,
            String error) {}

    private final List<Row> rows = new ArrayList<>();

    BatchReport(List<Video> videos) {
        for (Video v : videos) {
            rows.add(row(v));
        }
    }

    private static Row row(Video v) {
        JsonNode job = v.job;
        Instant started = time(job.path("started_at"));
        Instant finished = time(job.path("finished_at"));
        String error = null;
        for (JsonNode o : job.path("outputs")) {
            if (o.hasNonNull("error")) {
                error = o.path("name").asText() + ": "
                        + o.path("error").path("code").asText() + " "
                        + o.path("error").path("message").asText();
                break;
            }
        }
        return new Row(
                v,
                job.path("state").asText(),
                job.path("input_info").hasNonNull("duration")
                        ? job.path("input_info").path("duration").asDouble()
                        : null,
                started == null || finished == null ? null : Duration.between(started, finished),
                job.path("cpu_seconds").asDouble(),
                job.hasNonNull("cost") ? job.path("cost").asDouble() : null,
                v.size,
                bytesOut(job),
                error);
    }

    static long bytesOut(JsonNode job) {
        long n = 0;
        if (job != null) {
            for (JsonNode o : job.path("outputs")) {
                for (JsonNode f : o.path("files")) {
                    n += f.path("size").asLong();
                }
            }
        }
        return n;
    }

    private static Instant time(JsonNode node) {
        return node.isTextual() ? Instant.parse(node.asText()) : null;
    }

    List<Row> rows() {
        return rows;
    }

    /** The table, the totals and averages, and how cost is made. */
    List<String> lines() {
        List<List<String>> table = new ArrayList<>();
        for (Row r : rows) {
            table.add(List.of(
                    r.video().file.getFileName().toString(),
                    r.state() + ("done".equals(r.video().how) ? " (earlier run)" : ""),
                    r.mediaSeconds() == null ? "-" : Format.clock(Duration.ofMillis((long) (r.mediaSeconds() * 1000))),
                    r.wall() == null ? "-" : Format.clock(r.wall()),
                    String.format(Locale.ROOT, "%.1f", r.cpuSeconds()),
                    money(r.cost()),
                    Format.bytes(r.bytesOut())));
        }
        int n = rows.size();
        double media = rows.stream()
                .mapToDouble(r -> r.mediaSeconds() == null ? 0 : r.mediaSeconds())
                .sum();
        Duration wall = rows.stream()
                .map(r -> r.wall() == null ? Duration.ZERO : r.wall())
                .reduce(Duration.ZERO, Duration::plus);
        double cpu = rows.stream().mapToDouble(Row::cpuSeconds).sum();
        long unpriced = rows.stream().filter(r -> r.cost() == null).count();
        double cost =
                rows.stream().mapToDouble(r -> r.cost() == null ? 0 : r.cost()).sum();
        long out = rows.stream().mapToLong(Row::bytesOut).sum();
        table.add(List.of(
                "total (" + n + ")",
                rows.stream().filter(r -> "succeeded".equals(r.state())).count() + " succeeded",
                Format.clock(Duration.ofMillis((long) (media * 1000))),
                Format.clock(wall),
                String.format(Locale.ROOT, "%.1f", cpu),
                unpriced == n ? "unknown" : money(cost) + (unpriced > 0 ? " + unknown" : ""),
                Format.bytes(out)));
        List<String> lines = new ArrayList<>(
                Table.render(List.of("video", "state", "media", "wall", "CPU s", "cost", "out"), table));
        lines.add(String.format(
                Locale.ROOT,
                "per video: %.1f CPU seconds, %s wall%s",
                cpu / n,
                Format.clock(wall.dividedBy(n)),
                unpriced == n ? "" : ", cost " + money(cost / (n - unpriced))));
        rows.stream()
                .map(Row::wall)
                .filter(w -> w != null)
                .findAny()
                .ifPresent(w -> lines.add("elapsed, first start to last finish: " + Format.clock(span())));
        lines.add(
                unpriced == n
                        ? "cost: unknown; give the cloud a price per core-hour to see it: PUT /v1/clouds/NAME"
                                + " {\"price_per_core_hour\": 0.05}"
                        : "cost: CPU seconds / 3600 x the cloud's price per core-hour when each output finished"
                                + (unpriced > 0 ? "; " + unpriced + " video(s) ran in a cloud without a price" : ""));
        rows.stream()
                .filter(r -> r.error() != null)
                .forEach(r -> lines.add("failed: " + r.video().file.getFileName() + " ("
                        + r.video().job.path("id").asText() + ") " + r.error()));
        return lines;
    }

    /** From the first video's start to the last one's finish. */
    private Duration span() {
        Instant first = null;
        Instant last = null;
        for (Row r : rows) {
            Instant s = time(r.video().job.path("started_at"));
            Instant f = time(r.video().job.path("finished_at"));
            first = s != null && (first == null || s.isBefore(first)) ? s : first;
            last = f != null && (last == null || f.isAfter(last)) ? f : last;
        }
        return first == null || last == null ? Duration.ZERO : Duration.between(first, last);
    }

    List<String> csv() {
        List<String> lines = new ArrayList<>();
        lines.add("file,job_id,state,input_seconds,wall_seconds,cpu_seconds,cost,bytes_in,bytes_out,error");
        for (Row r : rows) {
            lines.add(String.join(
                    ",",
                    csvField(r.video().file.toString()),
                    r.video().job.path("id").asText(),
                    r.state(),
                    r.mediaSeconds() == null ? "" : String.format(Locale.ROOT, "%.3f", r.mediaSeconds()),
                    r.wall() == null
                            ? ""
                            : String.format(Locale.ROOT, "%.3f", r.wall().toMillis() / 1000.0),
                    String.format(Locale.ROOT, "%.3f", r.cpuSeconds()),
                    r.cost() == null ? "" : String.format(Locale.ROOT, "%.9f", r.cost()),
                    Long.toString(r.bytesIn()),
                    Long.toString(r.bytesOut()),
                    r.error() == null ? "" : csvField(r.error())));
        }
        return lines;
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break, quotes doubled. */
    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\""
                : s;
    }

    /** {@code {"videos": [{file, job_id, state, ...}], "total": {...}}}. */
    JsonNode json(ObjectMapper mapper) {
        ObjectNode doc = mapper.createObjectNode();
        ArrayNode list = doc.putArray("videos");
        double cpu = 0;
        double cost = 0;
        long unpriced = 0;
        for (Row r : rows) {
            ObjectNode v = list.addObject()
                    .put("file", r.video().file.toString())
                    .put("job_id", r.video().job.path("id").asText())
                    .put("state", r.state())
                    .put("earlier_run", "done".equals(r.video().how))
                    .put("cpu_seconds", r.cpuSeconds())
                    .put("bytes_in", r.bytesIn())
                    .put("bytes_out", r.bytesOut());
            if (r.mediaSeconds() != null) {
                v.put("input_seconds", r.mediaSeconds());
            }
            if (r.wall() != null) {
                v.put("wall_seconds", r.wall().toMillis() / 1000.0);
            }
            if (r.cost() != null) {
                v.put("cost", r.cost());
            }
            if (r.error() != null) {
                v.put("error", r.error());
            }
            cpu += r.cpuSeconds();
            cost += r.cost() == null ? 0 : r.cost();
            unpriced += r.cost() == null ? 1 : 0;
        }
        ObjectNode total = doc.putObject("total")
                .put("videos", rows.size())
                .put(
                        "succeeded",
                        rows.stream().filter(r -> "succeeded".equals(r.state())).count())
                .put("cpu_seconds", cpu)
                .put("elapsed_seconds", span().toMillis() / 1000.0)
                .put("unpriced_videos", unpriced);
        if (unpriced < rows.size()) {
            total.put("cost", cost);
        }
        return doc;
    }

    /** {@code 12.35}, {@code 0.0731}, {@code 0.0000139}: cents from 1 up, three significant digits below. */
    static String money(Double cost) {
        if (cost == null) {
            return "unknown";
        }
        return cost >= 1 || cost == 0
                ? String.format(Locale.ROOT, "%.2f", cost)
                : new BigDecimal(cost).round(new MathContext(3)).toPlainString();
    }
}
