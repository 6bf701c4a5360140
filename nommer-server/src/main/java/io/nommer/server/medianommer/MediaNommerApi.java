package io.nommer.server.medianommer;

import io.nommer.core.auth.Principal;
import io.nommer.core.auth.Role;
import io.nommer.core.job.CreateResult;
import io.nommer.core.service.JobService;
import io.nommer.core.service.ServiceException;
import io.nommer.core.storage.StorageUnavailableException;
import io.nommer.server.http.ApiException;
import io.nommer.server.http.Request;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.server.http.Router.Access;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * media-nommer's one call, {@code POST /job/submit} (and {@code /job/submit/}, which its docs spell; no redirect
 * between them: urllib2 would follow it with a GET without the body). The body is read as JSON whatever its
 * {@code Content-Type} says (the client's urllib2 labels it a form), and every answer is a 200 with
 * {@code {"success": true, "job_id": ...}} or {@code {"success": false, "message": ...}}: the client turns any other
 * status into an exception that hides the reason. Other methods get the router's 405.
 *
 * <p>media-nommer's client sends no key. The route is public; a request that brings a valid key acts as that key,
 * and one without acts as {@code tenant} (see {@link #MediaNommerApi}). Whether the route is served at all is the
 * {@code media_nommer_compat} setting, decided by the composition root.
 */
public final class MediaNommerApi {
    private static final Logger log = LoggerFactory.getLogger(MediaNommerApi.class);
    static final int MAX_BODY = 256 * 1024;

    private final JobService jobs;
    private final Principal keyless;

    /**
     * @param tenant whose jobs keyless submits make: with authentication off every request acts as the local admin
     *     (of the default tenant) anyway; with keys required, the tenant {@code media_nommer_tenant} names
     * @param authRequired whether the API requires keys
     */
    public MediaNommerApi(JobService jobs, String tenant, boolean authRequired) {
        this.jobs = jobs;
        // why: a keyless caller is given a tenant's rights, never an admin's: it may submit jobs and nothing else
        this.keyless = authRequired ? new Principal(tenant, Role.TENANT, null) : Principal.LOCAL;
    }

    public void register(Router r) {
        r.add("POST", "/job/submit", Access.PUBLIC, this::submit);
        r.add("POST", "/job/submit/", Access.PUBLIC, this::submit);
    }

    /** The answer to an accepted job. */
    record Accepted(boolean success, String jobId) {}

    /** The answer to a refused job: never a job id; {@code error_code} is nommer's stable code. */
    record Refused(boolean success, String message, String errorCode) {}

    private Response submit(Request req) {
        Principal principal = req.principal() != null ? req.principal() : keyless;
        Object answer;
        try {
            CreateResult created = jobs.submit(MediaNommerJob.translate(req.jsonObjectOfAnyType(MAX_BODY)), principal);
            log.info("media-nommer job {} accepted", created.job().id());
            answer = new Accepted(true, created.job().id());
        } catch (MediaNommerJob.Refusal e) {
            answer = new Refused(false, e.getMessage(), "invalid_request");
        } catch (ApiException e) {
            answer = new Refused(false, e.getMessage(), e.code());
        } catch (ServiceException e) {
            answer = new Refused(false, named(e.field()) + e.getMessage(), e.code());
        } catch (StorageUnavailableException e) {
            answer = new Refused(false, e.getMessage(), "storage_unavailable");
        } catch (RuntimeException e) {
            // why: any status but 2xx reaches the application as an HTTPError without the reason; a 200 says why
            log.error("POST /job/submit failed", e);
            answer = new Refused(false, "the server failed to handle this request; see its log", "internal_error");
        }
        return Response.json(200, answer);
    }

    /** The media-nommer field a nommer refusal is about, as a prefix for its message. */
    private static String named(String field) {
        if (field == null) {
            return "";
        }
        if (field.equals("input")) {
            return "source_path: ";
        }
        if (field.equals("notify_url")) {
            return "notify_url: ";
        }
        if (field.startsWith("outputs[0].destination")
                || field.startsWith("outputs[0].name")
                || field.startsWith("outputs[0].extname")) {
            return "dest_path: ";
        }
        if (field.startsWith("outputs[0]")) {
            return "job_options: ";
        }
        return "";
    }
}
