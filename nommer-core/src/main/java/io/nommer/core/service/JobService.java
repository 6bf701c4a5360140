package io.nommer.core.service;

import static io.nommer.core.profile.Profile.ENCRYPTION_KEY;

import io.nommer.core.auth.Principal;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.job.CreateResult;
import io.nommer.core.job.DestinationTakenException;
import io.nommer.core.job.IdempotencyKeyReusedException;
import io.nommer.core.job.Job;
import io.nommer.core.job.JobEvent;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.JobStore;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputFile;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.job.Page;
import io.nommer.core.job.Task;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.queue.QueueSignal;
import io.nommer.core.retention.Retention;
import io.nommer.core.retention.RetentionStore;
import io.nommer.core.stack.StackCatalog;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.storage.UploadOwners;
import io.nommer.core.util.GroupCommit;
import io.nommer.core.util.Ids;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Jobs as the API offers them: submit (validated completely before anything is stored, then stored with their tasks,
 * and workers woken), read, list, cancel, retry, delete, their files and encryption keys. Refusals are
 * {@link ServiceException}s with stable codes.
 */
public final class JobService {
    public static final int MAX_BULK_JOBS = 1000;

    private final JobStore jobs;
    private final FleetRegistry fleet;
    private final ProfileResolver profiles;
    private final InputFetcher inputs;
    private final OutputPublisher outputs;
    private final QueueSignal signal;
    private final Ids ids;
    private final UploadOwners uploadOwners;
    private final boolean allowPrivateNetworks;
    private final RetentionStore retention;
    /** Single submits that arrive together share a transaction (and its commit); see {@link GroupCommit}. */
    private final GroupCommit<NewJob, CreateResult> creates;
    /** Holds tenants to their queued-jobs limit; null for none. */
    private final TenantService tenants;
    /** The configured stacks and the default, which submitted outputs are pinned to. */
    private final StackCatalog stacks;

    private final StackService stackService;

    /**
     * @param allowPrivateNetworks whether notify URLs may name loopback, private and similar addresses
     * @param uploadOwners who stored each upload: a tenant may name only its own as inputs; null for no check
     * @param tenants holds each tenant to its {@code max_queued_jobs}; null for no limits
     * @param retention what deletes finished jobs; null where jobs are never deleted ({@link #delete} refuses)
     * @param stacks the configured stacks and the default: each output is pinned to the stack its profile names (one
     *     configured here or reported by a live worker, else {@code unknown_stack}) or to the default; null for none
     *     (outputs without a stack are then not pinned)
     */
    public JobService(
            JobStore jobs,
            FleetRegistry fleet,
            ProfileStore profiles,
            InputFetcher inputs,
            OutputPublisher outputs,
            QueueSignal signal,
            Ids ids,
            boolean allowPrivateNetworks,
            UploadOwners uploadOwners,
            TenantService tenants,
            RetentionStore retention,
            StackService stacks) {
        this.stackService = stacks == null ? new StackService(fleet, StackCatalog.NONE, null) : stacks;
        this.stacks = stackService.catalog();
        this.tenants = tenants;
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.retention = retention;
        this.uploadOwners = uploadOwners;
        this.jobs = jobs;
        this.fleet = fleet;
        this.profiles = new ProfileResolver(profiles);
        this.inputs = inputs;
        this.outputs = outputs;
        this.signal = signal;
        this.ids = ids;
        this.creates = new GroupCommit<>(jobs::createAll, jobs::create, MAX_BULK_JOBS);
    }

    private JobValidator validator(Principal principal) {
        return new JobValidator(
                fleet, profiles, inputs, outputs, ids, allowPrivateNetworks, uploadOwners, principal, stacks);
    }

    /**
     * Stores a job, or answers the one an earlier request with the same idempotency key created; the answer that
     * creates the job carries its owner token.
     *
     * @throws ValidationException naming the first unacceptable field; {@code idempotency_key_reused} when the key's
     *     job came from a different request
     * @throws ConflictException {@code destination_exists} when an output would publish over another job's files
     * @throws TooManyRequestsException {@code tenant_queue_full} when the tenant's queue is at its limit
     */
    public CreateResult submit(JobRequest request) {
        return submit(request, Principal.LOCAL);
    }

    /** Like {@link #submit(JobRequest)}, the job belonging to {@code principal}'s tenant. */
    public CreateResult submit(JobRequest request, Principal principal) {
        String token = OwnerTokens.newToken();
        NewJob job = validator(principal).validate(request, "", token);
        if (tenants != null) {
            tenants.admitJobs(principal.tenant(), 1, null);
        }
        CreateResult result;
        try {
            result = creates.write(job);
        } catch (DestinationTakenException e) {
            throw destinationExists(e, job, "");
        } catch (IdempotencyKeyReusedException e) {
            throw keyReused(e, "");
        }
        // why: after the batch, not in it: the next batch need not wait for this round trip
        signal.signal();
        return result.withOwnerToken(token);
    }

    /**
     * Validates every request, then stores all the jobs in one transaction: either all are accepted or none is.
     *
     * @throws ValidationException naming the first unacceptable field, prefixed with {@code jobs[i].}
     * @throws ConflictException {@code destination_exists} when an output would publish over another job's files,
     *     or over those of an earlier job in the request
     */
    public List<CreateResult> submitAll(List<JobRequest> requests) {
        return submitAll(requests, Principal.LOCAL);
    }

    /** Like {@link #submitAll(List)}, the jobs belonging to {@code principal}'s tenant. */
    public List<CreateResult> submitAll(List<JobRequest> requests, Principal principal) {
        if (requests.isEmpty() || requests.size() > MAX_BULK_JOBS) {
            throw new ValidationException(
                    "invalid_request",
                    "jobs",
                    "jobs must list 1 to " + MAX_BULK_JOBS + " jobs, not " + requests.size());
        }
        JobValidator validator = validator(principal);
        List<NewJob> batch = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            tokens.add(OwnerTokens.newToken());
            batch.add(validator.validate(requests.get(i), "jobs[" + i + "].", tokens.get(i)));
        }
        if (tenants != null) {
            tenants.admitJobs(principal.tenant(), batch.size(), "jobs");
        }
        List<CreateResult> stored;
        try {
            stored = jobs.createAll(batch);
        } catch (DestinationTakenException e) {
            throw destinationExists(e, batch.get(e.jobIndex()), "jobs[" + e.jobIndex() + "].");
        } catch (IdempotencyKeyReusedException e) {
            throw keyReused(e, "jobs[" + e.jobIndex() + "]: ");
        }
        signal.signal();
        List<CreateResult> results = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            results.add(stored.get(i).withOwnerToken(tokens.get(i)));
        }
        return results;
    }

    /** @throws NotFoundException when there is no such job */
    public Job find(String jobId) {
        return find(jobId, Principal.LOCAL);
    }

    /**
     * @throws NotFoundException when there is no such job, or it is another tenant's (never a refusal, which would
     *     confirm it exists)
     */
    public Job find(String jobId, Principal principal) {
        return jobs.find(jobId)
                .filter(j -> principal.sees(j.tenant()))
                .orElseThrow(() -> new NotFoundException("job " + jobId));
    }

    /**
     * The outputs of {@code job} waiting for a stack that no live worker of the job's cloud has, by output name (see
     * {@link StackService#waitingForStack}).
     */
    public Map<String, String> waitingForStack(Job job) {
        return stackService.waitingForStack(job);
    }

    /** The filter that finds {@code principal}'s job holding idempotency key {@code key}, with {@code filter}'s. */
    public static JobFilter withIdempotencyKey(JobFilter filter, Principal principal, String key) {
        return new JobFilter(
                filter.states(),
                filter.createdFrom(),
                filter.createdTo(),
                filter.cursor(),
                filter.limit(),
                filter.tenant(),
                JobValidator.storedKey(principal, key));
    }

    /** @throws ValidationException for a cursor the service did not hand out */
    public Page<Job> list(JobFilter filter) {
        try {
            return jobs.list(filter);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("invalid_request", "cursor", e.getMessage());
        }
    }

    /** The timeline of a job {@link #find} found, oldest first. */
    public List<JobEvent> events(Job job) {
        return jobs.events(job.id());
    }

    /** @throws ConflictException {@code job_finished} when the job is already terminal */
    public Job cancel(String jobId, Principal principal) {
        find(jobId, principal);
        try {
            return jobs.cancel(jobId).orElseThrow(() -> new NotFoundException("job " + jobId));
        } catch (IllegalStateException e) {
            throw new ConflictException("job_finished", "job " + jobId + " cannot be cancelled: " + e.getMessage());
        }
    }

    /**
     * Deletes a finished job's record: its tasks, timeline and webhook deliveries (a pending one is dropped), and with
     * {@code outputs} its output files first, so that a storage failure leaves the job to delete again.
     *
     * @throws NotFoundException when there is no such job, or it is another tenant's
     * @throws ConflictException {@code job_not_finished} while the job is queued or running
     */
    public void delete(String jobId, boolean outputs, Principal principal) {
        if (retention == null) {
            throw new IllegalStateException("this service was made without a store to delete jobs from");
        }
        Job job = find(jobId, principal);
        if (!job.state().terminal()) {
            throw notFinished(job);
        }
        if (outputs) {
            List<URI> files = job.tasks().stream()
                    .flatMap(t -> t.files().stream())
                    .map(f -> URI.create(f.uri()))
                    .toList();
            Retention.deleteOutputs(this.outputs, jobId, files);
        }
        if (retention.deleteJobs(List.of(jobId), null).isEmpty()) {
            // retried meanwhile (no longer finished), or deleted by another request or by retention
            throw jobs.find(jobId)
                    .<ServiceException>map(JobService::notFinished)
                    .orElseGet(() -> new NotFoundException("job " + jobId));
        }
    }

    private static ConflictException notFinished(Job job) {
        return new ConflictException(
                "job_not_finished",
                "job " + job.id() + " is " + job.state().wireName() + "; cancel it first (POST /v1/jobs/" + job.id()
                        + "/cancel), then delete it");
    }

    /** Queues a failed or cancelled job's unfinished outputs again. @throws ConflictException otherwise */
    public Job retry(String jobId, Principal principal) {
        find(jobId, principal);
        Job job;
        try {
            job = jobs.retry(jobId).orElseThrow(() -> new NotFoundException("job " + jobId));
        } catch (IllegalStateException e) {
            throw new ConflictException("job_not_retryable", "job " + jobId + " cannot be retried: " + e.getMessage());
        } catch (DestinationTakenException e) {
            throw new ConflictException("destination_exists", "job " + jobId + " cannot be retried: " + e.getMessage());
        }
        signal.signal();
        return job;
    }

    private static ValidationException keyReused(IdempotencyKeyReusedException e, String prefix) {
        // the stored key is "<tenant>:<key>" (JobValidator); the client is told the key it sent
        String key = e.key().substring(e.key().indexOf(':') + 1);
        return new ValidationException(
                "idempotency_key_reused",
                "Idempotency-Key",
                prefix + IdempotencyKeyReusedException.describe(key, e.holder()));
    }

    private static ConflictException destinationExists(DestinationTakenException e, NewJob job, String prefix) {
        List<OutputSpec> outputs = job.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).name().equals(e.output())) {
                return new ConflictException(
                        "destination_exists", prefix + "outputs[" + i + "].destination", e.getMessage());
            }
        }
        return new ConflictException("destination_exists", e.getMessage());
    }

    /** A published file of an output. @throws NotFoundException for an unknown job, output or file */
    public OutputFile outputFile(String jobId, String output, String file, Principal principal) {
        Task task = output(find(jobId, principal), output);
        return task.files().stream()
                .filter(f -> f.name().equals(file))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("file " + file + " of output " + output));
    }

    /**
     * The 16-byte AES-128 key of an encrypted HLS output, for the job's owner only.
     *
     * @param ownerToken the bearer token the caller presented, or null
     * @param principal who the request acts as, or null: a key of the job's tenant (or an admin key) needs no owner
     *     token; without a key ({@link Principal#LOCAL}, authentication off) the owner token is needed
     * @throws UnauthorizedException {@code owner_token_required} without a token
     * @throws ForbiddenException {@code not_owner} with another job's token
     */
    public byte[] encryptionKey(String jobId, String output, String ownerToken, Principal principal) {
        Job job = find(jobId);
        String hex = output(job, output).profile().get(ENCRYPTION_KEY);
        if (hex == null) {
            throw new NotFoundException("an encryption key: output " + output + " is not encrypted");
        }
        if (principal != null && principal.keyId() != null && principal.sees(job.tenant())) {
            // an API key of the job's tenant (or the admin's); with authentication off only the owner token unlocks
            return HexFormat.of().parseHex(hex);
        }
        if (ownerToken == null) {
            throw new UnauthorizedException(
                    "owner_token_required",
                    "the key is for the job's owner only: send "
                            + "'Authorization: Bearer <owner_token>' with the owner_token from the response that created the "
                            + "job");
        }
        if (!OwnerTokens.matches(ownerToken, job.ownerTokenHash())) {
            throw new ForbiddenException(
                    "not_owner", "this owner token is not the one job " + job.id() + " was created with");
        }
        return HexFormat.of().parseHex(hex);
    }

    /** The output's own task (never one of a spread ladder's rendition tasks). */
    private static Task output(Job job, String output) {
        return job.tasks().stream()
                .filter(t -> !t.isPart() && t.name().equals(output))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("output " + output + " of job " + job.id()));
    }
}
