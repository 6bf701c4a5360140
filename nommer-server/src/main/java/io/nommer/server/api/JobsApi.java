package io.nommer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.auth.Principal;
import io.nommer.core.job.CreateResult;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobState;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.Page;
import io.nommer.core.service.GoneException;
import io.nommer.core.service.JobRequest;
import io.nommer.core.service.JobService;
import io.nommer.core.storage.ContentTypes;
import io.nommer.core.webhook.NotifyFormat;
import io.nommer.server.auth.SignedUrls;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code /v1/jobs}: submit, inspect, list, cancel, retry, delete, timeline and output downloads. */
public final class JobsApi {
    static final int MAX_JOB_BODY = 256 * 1024;
    static final int MAX_METADATA_BYTES = 16 * 1024;
    static final int MAX_BULK_BODY = 16 * 1024 * 1024;
    private static final Set<String> JOB_FIELDS =
            Set.of("input", "outputs", "priority", "metadata", "notify_url", "cloud", "idempotency_key");
    private static final Set<String> OUTPUT_NON_PROFILE = Set.of("name", "preset", "destination");

    /** Opens published files for download. */
    @FunctionalInterface
    public interface FileOpener {
        /** The file as a response of {@code contentType}; empty when it is no longer in storage. */
        Optional<Response> open(URI uri, String contentType, Request request);
    }

    private final JobService jobs;
    private final JobViews views;
    private final ObjectMapper mapper;
    private final FileOpener files;
    private final SignedUrls signed;

    public JobsApi(JobService jobs, JobViews views, ObjectMapper mapper, FileOpener files, SignedUrls signed) {
        this.jobs = jobs;
        this.views = views;
        this.mapper = mapper;
        this.files = files;
        this.signed = signed;
    }

    public void register(Router r) {
        r.add("POST", "/v1/jobs", this::submit);
        r.add("POST", "/v1/jobs/bulk", this::submitBulk);
        r.add("GET", "/v1/jobs", this::list);
        r.add("GET", "/v1/jobs/{id}", req -> {
            Job job = jobs.find(req.path("id"), req.principal());
            return Response.ok(views.job(job, req.baseUrl(), jobs.waitingForStack(job)));
        });
        r.add("DELETE", "/v1/jobs/{id}", this::delete);
        r.add("POST", "/v1/jobs/{id}/cancel", this::cancel);
        r.add("POST", "/v1/jobs/{id}/retry", this::retry);
        r.add("GET", "/v1/jobs/{id}/events", this::events);
        r.add("GET", "/v1/jobs/{id}/outputs/{output}/files/{file}", this::download);
        // public: the signature in the path grants the output's files (SignedUrls)
        r.add("GET", "/v1/signed/{token}/jobs/{id}/outputs/{output}/files/{file}", Access.PUBLIC, this::signedDownload);
        // public: the owner token (or a key of the job's tenant) is checked by the handler
        r.add("GET", "/v1/jobs/{id}/outputs/{output}/key", Access.PUBLIC, this::key);
    }

    private Response submit(Request req) {
        JobRequest request = parseJob(req.jsonObject(MAX_JOB_BODY), "", req.header("Idempotency-Key"));
        CreateResult result = jobs.submit(request, req.principal());
        return Response.json(result.created() ? 201 : 200, views.created(result, req.baseUrl()))
                .header("Location", "/v1/jobs/" + result.job().id());
    }

    /** The answer to a bulk submit: a receipt per job, in the order submitted. */
    record Receipts(List<JobViews.Receipt> jobs) {}

    /**
     * Up to {@link JobService#MAX_BULK_JOBS} jobs in one request and one transaction: all are accepted or none. With
     * an {@code Idempotency-Key} K, job i gets the key {@code K#i}, so repeating the request creates nothing new.
     */
    private Response submitBulk(Request req) {
        JsonNode body = req.jsonObject(MAX_BULK_BODY);
        Fields.onlyKnown(body, Set.of("jobs"), "");
        JsonNode list = body.get("jobs");
        if (list == null || !list.isArray()) {
            throw ApiException.invalid("jobs", "jobs must be an array of job objects");
        }
        String key = req.header("Idempotency-Key");
        List<JobRequest> requests = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "jobs[" + i + "]";
            if (!list.get(i).isObject()) {
                throw ApiException.invalid(path, path + " must be an object");
            }
            requests.add(parseJob(list.get(i), path + ".", key == null ? null : key + "#" + i));
        }
        List<CreateResult> results = jobs.submitAll(requests, req.principal());
        boolean anyCreated = results.stream().anyMatch(CreateResult::created);
        return Response.json(
                anyCreated ? 201 : 200,
                new Receipts(results.stream()
                        .map(r -> JobViews.Receipt.of(r, req.baseUrl()))
                        .toList()));
    }

    /** A job object from the request body; field paths in errors start with {@code prefix}. */
    private JobRequest parseJob(JsonNode body, String prefix, String headerKey) {
        Fields.onlyKnown(body, JOB_FIELDS, prefix);
        String ownKey = Fields.text(body, "idempotency_key", prefix + "idempotency_key");
        if (ownKey != null && headerKey != null) {
            throw ApiException.invalid(
                    prefix + "idempotency_key",
                    "give a job's idempotency key in the Idempotency-Key header or in idempotency_key, not both");
        }
        if (ownKey != null && (ownKey.isBlank() || ownKey.length() > 255)) {
            throw ApiException.invalid(prefix + "idempotency_key", "idempotency_key must be 1-255 characters");
        }
        String idempotencyKey = ownKey != null ? ownKey : headerKey;
        JsonNode outputsNode = body.get("outputs");
        List<JobRequest.OutputRequest> outputs = null;
        if (outputsNode != null && !outputsNode.isNull()) {
            if (!outputsNode.isArray()) {
                throw ApiException.invalid(prefix + "outputs", "outputs must be an array of objects");
            }
            outputs = new ArrayList<>();
            for (int i = 0; i < outputsNode.size(); i++) {
                JsonNode o = outputsNode.get(i);
                String path = prefix + "outputs[" + i + "]";
                if (!o.isObject()) {
                    throw ApiException.invalid(path, path + " must be an object");
                }
                outputs.add(new JobRequest.OutputRequest(
                        Fields.text(o, "name", path + ".name"),
                        Fields.text(o, "preset", path + ".preset"),
                        Fields.text(o, "destination", path + ".destination"),
                        Fields.profile(mapper, o, OUTPUT_NON_PROFILE)));
            }
        }
        Map<String, Object> metadata = null;
        JsonNode md = body.get("metadata");
        if (md != null && !md.isNull()) {
            if (!md.isObject()) {
                throw ApiException.invalid(prefix + "metadata", "metadata must be a JSON object");
            }
            if (md.toString().length() > MAX_METADATA_BYTES) {
                throw ApiException.invalid(
                        prefix + "metadata", "metadata must be at most " + MAX_METADATA_BYTES + " bytes of JSON");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> converted = mapper.convertValue(md, LinkedHashMap.class);
            metadata = converted;
        }
        return new JobRequest(
                Fields.text(body, "input", prefix + "input"),
                outputs,
                Fields.text(body, "priority", prefix + "priority"),
                metadata,
                Fields.text(body, "notify_url", prefix + "notify_url"),
                idempotencyKey,
                Fields.text(body, "cloud", prefix + "cloud"),
                idempotencyKey == null ? null : RequestHash.of(mapper, body),
                NotifyFormat.NOMMER,
                List.of());
    }

    private Response list(Request req) {
        Set<JobState> states = new HashSet<>();
        String s = req.query("state");
        if (s != null && !s.isEmpty()) {
            for (String part : s.split(",")) {
                try {
                    states.add(JobState.parse(part.trim()));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("state", e.getMessage());
                }
            }
        }
        int limit = req.intQuery("limit", 50, 1, 500);
        JobFilter filter = new JobFilter(
                states,
                instant(req, "created_after"),
                instant(req, "created_before"),
                req.query("cursor"),
                limit,
                req.principal().admin() ? null : req.principal().tenant());
        String key = req.query("idempotency_key");
        if (key != null) {
            filter = JobService.withIdempotencyKey(filter, req.principal(), key);
        }
        Page<Job> page = jobs.list(filter);
        return Response.ok(new JobList(
                page.items().stream().map(j -> views.job(j, req.baseUrl())).toList(), page.nextCursor()));
    }

    /** A page of jobs; {@code nextCursor} is absent on the last page. */
    record JobList(List<JobViews.JobView> jobs, String nextCursor) {}

    /** A job's timeline, oldest first. */
    record Events(List<JobViews.EventView> events) {}

    static Instant instant(Request req, String name) {
        String v = req.query(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name, name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private Response cancel(Request req) {
        return Response.ok(views.job(jobs.cancel(req.path("id"), req.principal()), req.baseUrl()));
    }

    private Response retry(Request req) {
        return Response.ok(views.job(jobs.retry(req.path("id"), req.principal()), req.baseUrl()));
    }

    /** A finished job's record; with {@code ?outputs=true} its output files too. */
    private Response delete(Request req) {
        String outputs = req.query("outputs");
        if (outputs != null && !outputs.equals("true") && !outputs.equals("false")) {
            throw ApiException.invalid("outputs", "outputs must be true or false, not '" + outputs + "'");
        }
        jobs.delete(req.path("id"), "true".equals(outputs), req.principal());
        return Response.noContent();
    }

    private Response events(Request req) {
        Job job = jobs.find(req.path("id"), req.principal());
        return Response.ok(new Events(
                jobs.events(job).stream().map(e -> views.event(e, job)).toList()));
    }

    private Response download(Request req) {
        return download(req, req.principal());
    }

    private Response signedDownload(Request req) {
        signed.verify(req.path("token"), req.path("id"), req.path("output"));
        return download(req, Principal.LOCAL);
    }

    private Response download(Request req, Principal principal) {
        String fileName = req.path("file");
        OutputFile file = jobs.outputFile(req.path("id"), req.path("output"), fileName, principal);
        return files.open(URI.create(file.uri()), ContentTypes.of(fileName), req)
                .orElseThrow(() -> new GoneException("file_gone", "file " + fileName + " is no longer in storage"))
                .header("Content-Disposition", disposition(req, fileName));
    }

    /**
     * Inline, so that a player or a browser tab can use the file's URL directly; an attachment (the browser saves it)
     * with {@code ?download=1}.
     */
    static String disposition(Request req, String fileName) {
        String type = "1".equals(req.query("download")) ? "attachment" : "inline";
        return type + "; filename=\"" + fileName.replace("\"", "") + "\"";
    }

    private Response key(Request req) {
        String auth = req.header("Authorization");
        String token = auth == null || !auth.startsWith("Bearer ")
                ? null
                : auth.substring("Bearer ".length()).trim();
        byte[] key = jobs.encryptionKey(req.path("id"), req.path("output"), token, req.principal());
        return Response.bytes(200, "application/octet-stream", key).header("Cache-Control", "no-store");
    }
}
