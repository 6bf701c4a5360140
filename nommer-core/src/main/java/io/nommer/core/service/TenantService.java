package io.nommer.core.service;

import io.nommer.core.auth.ApiKeys;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.core.tenant.TenantQuotas;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenants' limits as the API offers them (read, set, with what each tenant uses), and the checks that hold a tenant to
 * the limits it meets when it submits jobs and uploads. The running-task limit is the claim's, the input limits the
 * worker's probe's (they need no service).
 */
public final class TenantService {
    /** The window {@link TenantLimit#MAX_UPLOADS_PER_DAY} counts uploads in: any 24 hours, not calendar days. */
    public static final Duration UPLOAD_WINDOW = Duration.ofDays(1);
    /**
     * {@code Retry-After} of a full queue. why: when a tenant's queue will have room depends on workers nobody can
     * predict here; a short hint keeps clients from retrying at once without making them wait long.
     */
    public static final Duration QUEUE_FULL_RETRY_AFTER = Duration.ofSeconds(10);
    /**
     * How long a tenant's own limits are used without reading them again. why: every submit and upload checks them,
     * and reading the tenant's row for each would add a query to every single submit; a change made through this
     * service applies at once, one made through another orchestrator within this long.
     */
    static final Duration LIMITS_CACHED_FOR = Duration.ofSeconds(1);

    private final ApiKeys keys;
    private final TenantQuotas quotas;
    private final TenantLimits defaults;
    private final InstantSource clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(TenantLimits own, Instant until) {}

    /** @param defaults the limits of tenants that set none themselves (configuration {@code tenant_limits.*}) */
    public TenantService(ApiKeys keys, TenantQuotas quotas, TenantLimits defaults, InstantSource clock) {
        this.keys = keys;
        this.quotas = quotas;
        this.defaults = defaults;
        this.clock = clock;
    }

    /** What a tenant uses of its limits now. @param uploadsLastDay in the last {@link #UPLOAD_WINDOW} */
    public record Usage(long runningTasks, long queuedJobs, long uploadsLastDay) {}

    /**
     * A tenant with its limits.
     *
     * @param own the limits set for the tenant itself
     * @param effective the limits in force: its own over the defaults
     */
    public record Tenant(ApiKeys.Tenant tenant, TenantLimits own, TenantLimits effective, Usage usage) {}

    /** @throws NotFoundException when there is no such tenant */
    public Tenant find(String name) {
        ApiKeys.Tenant tenant = keys.tenants().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("tenant " + name));
        TenantLimits own = quotas.limits(name).orElse(TenantLimits.NONE);
        cache.put(name, new Cached(own, clock.instant().plus(LIMITS_CACHED_FOR)));
        Usage usage = new Usage(
                quotas.runningTasks(name),
                quotas.queuedJobs(name, Long.MAX_VALUE),
                quotas.uploads(name, UPLOAD_WINDOW, Long.MAX_VALUE).count());
        return new Tenant(tenant, own, own.over(defaults), usage);
    }

    /** Whether there is a tenant of this name. */
    public boolean exists(String name) {
        return quotas.limits(name).isPresent();
    }

    /** Replaces the tenant's own limits, creating the tenant when it is new. */
    public Tenant setLimits(String name, TenantLimits limits) {
        quotas.setLimits(name, limits);
        cache.remove(name);
        return find(name);
    }

    /** The limits in force for {@code tenant}: its own over the defaults. */
    public TenantLimits limitsOf(String tenant) {
        Instant now = clock.instant();
        Cached c = cache.get(tenant);
        if (c == null || !now.isBefore(c.until)) {
            c = new Cached(quotas.limits(tenant).orElse(TenantLimits.NONE), now.plus(LIMITS_CACHED_FOR));
            cache.put(tenant, c);
        }
        return c.own.over(defaults);
    }

    /**
     * Checks that {@code jobs} more jobs fit the tenant's {@link TenantLimit#MAX_QUEUED_JOBS}. Submits that arrive at
     * the same moment are checked against the same count, so together they may pass the limit by their own size.
     *
     * @param field the request's field the jobs come in ({@code jobs} for a bulk submit), or null
     * @throws TooManyRequestsException {@code tenant_queue_full} when the queue has no room for them now
     * @throws ValidationException {@code tenant_queue_full} when it never will: there are more than the limit
     */
    public void admitJobs(String tenant, int jobs, String field) {
        long limit = limitsOf(tenant).effective(TenantLimit.MAX_QUEUED_JOBS);
        if (limit == TenantLimits.UNLIMITED) {
            return;
        }
        if (jobs > limit) {
            throw new ValidationException(
                    "tenant_queue_full",
                    field,
                    jobs + " job(s) can never be queued at once: tenant " + tenant + "'s max_queued_jobs is " + limit);
        }
        long queued = quotas.queuedJobs(tenant, limit);
        if (queued + jobs > limit) {
            throw new TooManyRequestsException(
                    "tenant_queue_full",
                    "tenant " + tenant + " has " + queued + " job(s) waiting in the queue, its max_queued_jobs is "
                            + limit + ": submit again when some have started",
                    QUEUE_FULL_RETRY_AFTER);
        }
    }

    /**
     * Checks that the tenant may upload now ({@link TenantLimit#MAX_UPLOADS_PER_DAY}), and answers the largest upload
     * its inputs may be ({@link TenantLimit#MAX_INPUT_BYTES}; {@link TenantLimits#UNLIMITED} for no limit). Uploads
     * that start at the same moment are checked against the same count.
     *
     * @throws TooManyRequestsException {@code tenant_upload_quota}, with when the oldest upload counted leaves the window
     * @throws ValidationException {@code tenant_upload_quota} when the tenant may not upload at all (a limit of 0)
     */
    public long admitUpload(String tenant) {
        TenantLimits limits = limitsOf(tenant);
        long perDay = limits.effective(TenantLimit.MAX_UPLOADS_PER_DAY);
        if (perDay == 0) {
            throw new ValidationException(
                    "tenant_upload_quota", null, "tenant " + tenant + " may not upload: its max_uploads_per_day is 0");
        }
        if (perDay != TenantLimits.UNLIMITED) {
            TenantQuotas.Uploads uploads = quotas.uploads(tenant, UPLOAD_WINDOW, perDay);
            if (uploads.count() >= perDay) {
                throw new TooManyRequestsException(
                        "tenant_upload_quota",
                        "tenant " + tenant + " has uploaded " + uploads.count() + " time(s) in the last 24 hours, "
                                + "its max_uploads_per_day is " + perDay,
                        uploads.untilBelowLimit());
            }
        }
        return limits.effective(TenantLimit.MAX_INPUT_BYTES);
    }
}
