package io.nommer.server.api;

import static io.nommer.server.api.Json.money;
import static io.nommer.server.api.Json.round1;
import static io.nommer.server.api.Json.round3;
import static io.nommer.server.api.Json.time;

import io.nommer.core.fleet.Pricing;
import io.nommer.core.job.CreateResult;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Task;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Profile;
import io.nommer.server.auth.SignedUrls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The API's JSON shapes of jobs, in the order their fields are written. One place renders jobs, so responses and
 * webhooks agree. Null fields are left out ({@link Json#mapper()}).
 */
public final class JobViews {

    /**
     * A job. {@code ownerToken} is only in the answer that created it.
     *
     * @param metadata free-form JSON the client attached to the job, returned as given (null values left out)
     */
    public record JobView(
            String id,
            String state,
            double progress,
            String priority,
            String cloud,
            String input,
            MediaInfoView inputInfo,
            Map<String, Object> metadata,
            String notifyUrl,
            String createdAt,
            String startedAt,
            String finishedAt,
            String updatedAt,
            double cpuSeconds,
            Double cost,
            List<OutputView> outputs,
            Links links,
            String ownerToken) {}

    public record OutputView(
            String name,
            String preset,
            String state,
            double progress,
            int attempt,
            int maxAttempts,
            double cpuSeconds,
            Double cost,
            String destination,
            String startedAt,
            String finishedAt,
            List<FileView> files,
            List<PartView> parts,
            ErrorView error,
            Profile profile,
            String keyUrl,
            String waitingForStack,
            Map<String, String> tools) {}

    public record FileView(
            String name,
            String uri,
            String url,
            String signedUrl,
            long size,
            String role,
            Double duration,
            Integer width,
            Integer height) {}

    /** One rendition of a ladder spread over workers, before the output's own task packages it. */
    public record PartView(
            int rendition, String state, double progress, int attempt, double cpuSeconds, PartError error) {}

    public record PartError(String code, String message) {}

    public record ErrorView(String code, String message, String logTail) {}

    public record MediaInfoView(
            String container, String formatName, Double duration, Long bitrate, Long size, List<StreamView> streams) {}

    /** @param rotation degrees, only when the stream is rotated */
    public record StreamView(
            int index,
            String type,
            String codec,
            Integer width,
            Integer height,
            Double fps,
            Long bitrate,
            Integer sampleRate,
            Integer channels,
            Double duration,
            Integer rotation,
            String sampleAspectRatio,
            String fieldOrder) {}

    /** A job's own links: itself, its timeline, and its cancel and retry actions. */
    public record Links(String self, String events, String cancel, String retry) {
        static Links of(String jobId, String baseUrl) {
            String self = baseUrl + "/v1/jobs/" + jobId;
            return new Links(self, self + "/events", self + "/cancel", self + "/retry");
        }
    }

    /**
     * A job in a bulk answer: what its submitter needs to follow it (id, state, owner token, links), not the whole
     * job with every output's profile, which the submitter sent and which made a 1000-job answer over a megabyte.
     */
    public record Receipt(String id, String state, boolean created, String ownerToken, Links links) {
        static Receipt of(CreateResult result, String baseUrl) {
            return new Receipt(
                    result.job().id(),
                    result.job().state().wireName(),
                    result.created(),
                    result.ownerToken(),
                    Links.of(result.job().id(), baseUrl));
        }
    }

    /** @param output the name of the output the event is about, for task events */
    public record EventView(long id, String at, String type, String output, String message) {}

    private final ServerPaths paths;
    private final SignedUrls signed;
    private final Supplier<Pricing> pricing;

    /**
     * @param signed makes each file's {@code signed_url}; null when files need no key (authentication off)
     * @param pricing the clouds' prices, for each job's and output's {@code cost}
     */
    public JobViews(ServerPaths paths, SignedUrls signed, Supplier<Pricing> pricing) {
        this.paths = paths;
        this.signed = signed;
        this.pricing = pricing;
    }

    /** @param baseUrl the API's base URL for the links (see {@code Request.baseUrl}) */
    public JobView job(Job job, String baseUrl) {
        return job(job, baseUrl, null, Map.of());
    }

    /**
     * A job whose outputs in {@code waitingForStack} (by name) wait for a stack no live worker has, which their view
     * says ({@code waiting_for_stack}).
     */
    public JobView job(Job job, String baseUrl, Map<String, String> waitingForStack) {
        return job(job, baseUrl, null, waitingForStack);
    }

    /** A submitted job as the submitter sees it: with the owner token, in the answer that created the job only. */
    public JobView created(CreateResult result, String baseUrl) {
        return job(result.job(), baseUrl, result.ownerToken(), Map.of());
    }

    private JobView job(Job job, String baseUrl, String ownerToken, Map<String, String> waitingForStack) {
        double cpu = job.tasks().stream().mapToDouble(Task::cpuSeconds).sum();
        Pricing prices = pricing.get();
        Instant now = Instant.now();
        List<OutputView> outputs = job.tasks().stream()
                .filter(t -> !t.isPart())
                .map(t -> output(job, t, baseUrl, waitingForStack.get(t.name()), prices, now))
                .toList();
        return new JobView(
                job.id(),
                job.state().wireName(),
                round1(job.progress()),
                job.priority().wireName(),
                job.cloud(),
                job.input(),
                job.inputInfo() == null ? null : mediaInfo(job.inputInfo()),
                job.metadata(),
                job.notifyUrl(),
                time(job.createdAt()),
                time(job.startedAt()),
                time(job.finishedAt()),
                time(job.updatedAt()),
                round3(cpu),
                money(prices.cost(job.cloud(), job.tasks(), now)),
                outputs,
                Links.of(job.id(), baseUrl),
                ownerToken);
    }

    private OutputView output(Job job, Task t, String baseUrl, String waitingForStack, Pricing prices, Instant now) {
        String base = baseUrl + "/v1/jobs/" + job.id() + "/outputs/" + enc(t.name());
        String signedBase = signed == null || t.files().isEmpty()
                ? null
                : baseUrl + "/v1/signed/" + signed.token(job.id(), t.name()) + "/jobs/" + job.id() + "/outputs/"
                        + enc(t.name());
        List<FileView> files =
                t.files().stream().map(f -> file(f, base, signedBase)).toList();
        // a ladder spread over workers: its renditions' own tasks, before this one packages them
        List<PartView> parts = t.parts() == 0
                ? null
                : job.tasks().stream()
                        .filter(p -> p.isPart() && p.name().equals(t.name()))
                        .map(p -> new PartView(
                                p.part(),
                                p.state().wireName(),
                                round1(p.progress()),
                                p.attempt(),
                                round3(p.cpuSeconds()),
                                p.errorCode() == null
                                        ? null
                                        : new PartError(p.errorCode(), String.valueOf(paths.text(p.errorMessage())))))
                        .toList();
        ErrorView error = t.errorCode() == null
                ? null
                : new ErrorView(t.errorCode(), paths.text(t.errorMessage()), paths.text(t.logTail()));
        return new OutputView(
                t.name(),
                t.preset(),
                t.state().wireName(),
                round1(t.progress()),
                t.attempt(),
                t.maxAttempts(),
                round3(t.cpuSeconds()),
                // why: an output's cost is what making it took, its renditions encoded as tasks of their own included
                money(prices.cost(
                        job.cloud(),
                        job.tasks().stream()
                                .filter(p -> p.name().equals(t.name()))
                                .toList(),
                        now)),
                t.destination(),
                time(t.startedAt()),
                time(t.finishedAt()),
                files,
                parts,
                error,
                t.profile(),
                t.profile().encryptionOrDefault() ? base + "/key" : null,
                waitingForStack,
                t.tools().isEmpty() ? null : t.tools());
    }

    private FileView file(OutputFile f, String outputUrl, String signedOutputUrl) {
        return new FileView(
                f.name(),
                paths.uri(f.uri()),
                outputUrl + "/files/" + enc(f.name()),
                signedOutputUrl == null ? null : signedOutputUrl + "/files/" + enc(f.name()),
                f.size(),
                f.role(),
                round3(f.duration()),
                f.width(),
                f.height());
    }

    public static MediaInfoView mediaInfo(MediaInfo info) {
        List<StreamView> streams = info.streams().stream().map(JobViews::stream).toList();
        return new MediaInfoView(
                info.demuxer(), info.formatName(), round3(info.duration()), info.bitrate(), info.size(), streams);
    }

    private static StreamView stream(StreamInfo s) {
        return new StreamView(
                s.index(),
                s.type(),
                s.codec(),
                s.width(),
                s.height(),
                round3(s.fps()),
                s.bitrate(),
                s.sampleRate(),
                s.channels(),
                round3(s.duration()),
                s.rotation() == 0 ? null : s.rotation(),
                s.sampleAspectRatio(),
                s.fieldOrder());
    }

    public EventView event(JobEvent e, Job job) {
        String output = e.taskId() == null
                ? null
                : job.tasks().stream()
                        .filter(t -> t.id().equals(e.taskId()))
                        .findFirst()
                        .map(Task::name)
                        .orElse(null);
        return new EventView(e.id(), time(e.at()), e.type(), output, paths.text(e.message()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
