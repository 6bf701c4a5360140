package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.auth.ApiKeys;
import io.nommer.core.job.Job;
import io.nommer.core.profile.Priority;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.core.tenant.TenantQuotas;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TenantQuotas}: tenants' own limits, and the counts their limits are checked against, on every engine. */
public abstract class TenantQuotasContract extends StoreFixture {
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void limits_areSetPerTenant_replacingTheOldOnes_andCreateTheTenant() {
        assertThat(store.quotas().limits("acme")).isEmpty();
        assertThat(store.quotas().limits("default")).hasValue(TenantLimits.NONE);

        TenantLimits set = TenantLimits.NONE
                .with(TenantLimit.MAX_RUNNING_TASKS, 4L)
                .with(TenantLimit.MAX_INPUT_BYTES, TenantLimits.UNLIMITED)
                .with(TenantLimit.MAX_UPLOADS_PER_DAY, 0L);
        assertThat(store.quotas().setLimits("acme", set)).isEqualTo(set);

        assertThat(store.quotas().limits("acme")).hasValue(set);
        assertThat(store.keys().tenants()).extracting(ApiKeys.Tenant::name).contains("acme");
        TenantLimits replaced = TenantLimits.NONE.with(TenantLimit.MAX_QUEUED_JOBS, 10L);
        store.quotas().setLimits("acme", replaced);
        assertThat(store.quotas().limits("acme")).hasValue(replaced);
    }

    @Test
    void queuedJobs_countsTheTenantsJobsWithAnOutputStillQueued_upToTheCap() {
        Job twoOutputs = aJob().forTenant("acme").withOutputs(2).create();
        aJob().forTenant("acme").create();
        Job urgent = aJob().forTenant("acme").withPriority(Priority.HIGH).create();
        aJob().forTenant("other").create();
        assertThat(store.quotas().queuedJobs("acme", 100)).isEqualTo(3);
        assertThat(store.quotas().queuedJobs("acme", 2)).isEqualTo(2);
        assertThat(store.quotas().queuedJobs("nobody", 100)).isZero();

        assertThat(claimOne("w").jobId()).isEqualTo(urgent.id());
        assertThat(store.quotas().queuedJobs("acme", 100)).isEqualTo(2);
        // the first output of the two-output job starts: the job still waits for its second
        assertThat(claimOne("w").taskId()).isEqualTo(twoOutputs.tasks().get(0).id());
        assertThat(store.quotas().queuedJobs("acme", 100)).isEqualTo(2);

        assertThat(queue.claim("w", List.of("default"), 10, LEASE)).hasSize(3);
        assertThat(store.quotas().queuedJobs("acme", 100)).isZero();
        assertThat(store.quotas().runningTasks("acme")).isEqualTo(4);
        assertThat(store.quotas().runningTasks("other")).isEqualTo(1);
    }

    @Test
    void uploads_countsTheLastDay_andSaysWhenTheWindowFallsBelowTheLimit() {
        store.uploadOwners().record("upl_1", "acme", 1);
        clock.tick(Duration.ofHours(1));
        store.uploadOwners().record("upl_2", "acme", 1);
        clock.tick(Duration.ofHours(1));
        store.uploadOwners().record("upl_3", "acme", 1);
        store.uploadOwners().record("upl_4", "other", 1);
        clock.tick(Duration.ofHours(1));

        assertThat(store.quotas().uploads("acme", DAY, 5)).isEqualTo(new TenantQuotas.Uploads(3, Duration.ZERO));
        assertThat(store.quotas().uploads("acme", DAY, 3))
                .isEqualTo(new TenantQuotas.Uploads(3, Duration.ofHours(21).plusMillis(1)));
        assertThat(store.quotas().uploads("acme", DAY, 2))
                .isEqualTo(new TenantQuotas.Uploads(3, Duration.ofHours(22).plusMillis(1)));

        clock.tick(Duration.ofHours(21).plusMillis(1));
        assertThat(store.quotas().uploads("acme", DAY, 3).count()).isEqualTo(2);
    }
}
