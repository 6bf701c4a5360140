package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.job.Job;
import io.nommer.core.job.NewJob;
import io.nommer.core.profile.Priority;
import io.nommer.core.queue.ClaimedTask;
import io.nommer.core.queue.Completion;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the queue shares its workers between tenants, on every engine: within a cloud and a task priority tenants take
 * turns, so one tenant's backlog never holds another's work back, and a tenant at its running-task limit waits while
 * the others go on.
 */
public abstract class TenantFairnessContract extends StoreFixture {
    private static final TenantLimits NO_DEFAULTS = TenantLimits.NONE;

    /** {@code n} one-output jobs of {@code tenant}, stored in batches as bulk submits would. */
    private List<Job> backlog(String tenant, int n) {
        List<Job> created = new ArrayList<>();
        for (int done = 0; done < n; done += 500) {
            List<NewJob> batch = new ArrayList<>();
            for (int i = done; i < Math.min(n, done + 500); i++) {
                batch.add(aJob().forTenant(tenant).build());
            }
            jobs.createAll(batch).forEach(r -> created.add(r.job()));
        }
        return created;
    }

    private List<String> tenantsOf(List<ClaimedTask> claimed) {
        return claimed.stream().map(ClaimedTask::tenant).toList();
    }

    private List<ClaimedTask> claim(int max, TenantLimits defaults) {
        return queue.claim("w", List.of("default"), max, LEASE, defaults);
    }

    @Test
    void claim_servesAnotherTenantsSingleJobAmongAnotherTenantsBacklog() {
        backlog("big", 2000);
        clock.tick(Duration.ofSeconds(1));
        Job single = aJob().forTenant("small").create();

        List<String> firstTwo = new ArrayList<>();
        firstTwo.add(claimOne("w").jobId());
        firstTwo.add(claimOne("w").jobId());

        assertThat(firstTwo).contains(single.id());
    }

    @Test
    void aBatchClaim_spreadsOverTheTenantsWaiting() {
        backlog("big", 300);
        List<Job> small = backlog("small", 5);

        List<ClaimedTask> batch = claim(10, NO_DEFAULTS);

        assertThat(batch).hasSize(10);
        assertThat(batch)
                .extracting(ClaimedTask::jobId)
                .containsAll(small.stream().map(Job::id).toList());
        assertThat(tenantsOf(batch)).filteredOn("big"::equals).hasSize(5);
        // in the order the tasks would have been claimed one by one: turns
        assertThat(tenantsOf(batch).subList(0, 4)).containsExactly("big", "small", "big", "small");
    }

    @Test
    void tenantsTakeTurns_andEachTenantsJobsGoOldestFirst() {
        List<Job> a = backlog("a", 20);
        List<Job> b = backlog("b", 20);

        List<ClaimedTask> claimed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            claimed.add(claimOne("w"));
        }

        assertThat(tenantsOf(claimed)).containsExactly("a", "b", "a", "b", "a", "b", "a", "b", "a", "b");
        assertThat(claimed.stream().filter(c -> c.tenant().equals("b")).map(ClaimedTask::jobId))
                .containsExactlyElementsOf(b.subList(0, 5).stream().map(Job::id).toList());
        assertThat(claimed.stream().filter(c -> c.tenant().equals("a")).map(ClaimedTask::jobId))
                .containsExactlyElementsOf(a.subList(0, 5).stream().map(Job::id).toList());
    }

    @Test
    void aTenantArrivingLate_getsItsTurnsFromNowOn_notTheTurnsItMissed() {
        backlog("early", 100);
        for (int i = 0; i < 50; i++) {
            assertThat(claimOne("w").tenant()).isEqualTo("early");
        }
        backlog("late", 100);

        List<ClaimedTask> next = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            next.add(claimOne("w"));
        }
        Job third = aJob().forTenant("third").create();
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            after.add(claimOne("w").jobId());
        }

        assertThat(tenantsOf(next)).filteredOn("early"::equals).hasSize(10);
        assertThat(after).contains(third.id());
    }

    @Test
    void aTenantsIdleTime_earnsItNoBurstLater() {
        backlog("busy", 100);
        Job once = aJob().forTenant("quiet").create();
        List<String> first = List.of(claimOne("w").jobId(), claimOne("w").jobId());
        assertThat(first).contains(once.id());
        for (int i = 0; i < 40; i++) {
            claimOne("w");
        }

        backlog("quiet", 20);
        List<ClaimedTask> next = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            next.add(claimOne("w"));
        }

        assertThat(tenantsOf(next)).filteredOn("quiet"::equals).hasSizeBetween(4, 6);
    }

    @Test
    void priorityStillComesFirst_turnsAreTakenWithinAPriority() {
        backlog("big", 50);
        Job urgent = aJob().forTenant("big").withPriority(Priority.HIGH).create();
        Job normal = aJob().forTenant("small").create();
        Job low = aJob().forTenant("small").withPriority(Priority.LOW).create();

        List<String> first =
                claim(10, NO_DEFAULTS).stream().map(ClaimedTask::jobId).toList();
        List<String> rest =
                claim(60, NO_DEFAULTS).stream().map(ClaimedTask::jobId).toList();

        assertThat(first.get(0)).isEqualTo(urgent.id());
        assertThat(first.subList(1, 4)).contains(normal.id());
        assertThat(rest).hasSize(43);
        assertThat(rest.get(rest.size() - 1)).isEqualTo(low.id());
    }

    @Test
    void claimedTasks_carryTheirTenantAndItsLimits_ownOverDefaults() {
        store.quotas().setLimits("acme", TenantLimits.NONE.with(TenantLimit.MAX_INPUT_PIXELS, 1000L));
        aJob().forTenant("acme").create();
        aJob().create();

        List<ClaimedTask> batch = claim(
                2, TenantLimits.NONE.with(TenantLimit.MAX_INPUT_BYTES, 5L).with(TenantLimit.MAX_INPUT_PIXELS, 9L));

        Map<String, TenantLimits> limits =
                batch.stream().collect(Collectors.toMap(ClaimedTask::tenant, ClaimedTask::limits));
        assertThat(limits.get("acme").effective(TenantLimit.MAX_INPUT_PIXELS)).isEqualTo(1000);
        assertThat(limits.get("acme").effective(TenantLimit.MAX_INPUT_BYTES)).isEqualTo(5);
        assertThat(limits.get("default").effective(TenantLimit.MAX_INPUT_PIXELS))
                .isEqualTo(9);
        assertThat(limits.get("default").limits(TenantLimit.MAX_INPUT_SECONDS)).isFalse();
    }

    @Test
    void aTenantAtItsRunningLimit_isSkipped_andTheOthersGoOn() {
        store.quotas().setLimits("big", TenantLimits.NONE.with(TenantLimit.MAX_RUNNING_TASKS, 2L));
        backlog("big", 10);
        backlog("small", 3);

        List<ClaimedTask> first = claim(10, NO_DEFAULTS);
        assertThat(tenantsOf(first)).filteredOn("big"::equals).hasSize(2);
        assertThat(tenantsOf(first)).filteredOn("small"::equals).hasSize(3);
        assertThat(claim(10, NO_DEFAULTS))
                .as("big is at its limit, small has nothing left")
                .isEmpty();

        ClaimedTask done =
                first.stream().filter(c -> c.tenant().equals("big")).findFirst().orElseThrow();
        queue.completeAll(List.of(new Completion(done.taskId(), done.leaseToken(), List.of(), 0)));

        assertThat(tenantsOf(claim(10, NO_DEFAULTS))).containsExactly("big");
        assertThat(store.quotas().runningTasks("big")).isEqualTo(2);
    }

    @Test
    void theDefaultRunningLimit_appliesToTenantsThatSetNone_andAnOwnLimitOverridesIt() {
        store.quotas().setLimits("vip", TenantLimits.NONE.with(TenantLimit.MAX_RUNNING_TASKS, TenantLimits.UNLIMITED));
        store.quotas().setLimits("paused", TenantLimits.NONE.with(TenantLimit.MAX_RUNNING_TASKS, 0L));
        backlog("plain", 5);
        backlog("vip", 5);
        backlog("paused", 5);

        List<ClaimedTask> batch = claim(20, TenantLimits.NONE.with(TenantLimit.MAX_RUNNING_TASKS, 1L));

        assertThat(tenantsOf(batch)).filteredOn("plain"::equals).hasSize(1);
        assertThat(tenantsOf(batch)).filteredOn("vip"::equals).hasSize(5);
        assertThat(tenantsOf(batch)).doesNotContain("paused");
    }

    @Test
    void aTenantWaitingAtItsLimit_letsLowerPrioritiesOfOthersRun() {
        store.quotas().setLimits("big", TenantLimits.NONE.with(TenantLimit.MAX_RUNNING_TASKS, 1L));
        aJob().forTenant("big").withPriority(Priority.HIGH).create();
        aJob().forTenant("big").withPriority(Priority.HIGH).create();
        Job low = aJob().forTenant("small").withPriority(Priority.LOW).create();

        List<ClaimedTask> batch = claim(5, NO_DEFAULTS);

        assertThat(batch).extracting(ClaimedTask::tenant).containsExactly("big", "small");
        assertThat(batch.get(1).jobId()).isEqualTo(low.id());
    }

    @Test
    @Timeout(120)
    void theRunningLimit_holdsUnderConcurrentClaimers() throws Exception {
        store.quotas().setLimits("big", TenantLimits.NONE.with(TenantLimit.MAX_RUNNING_TASKS, 3L));
        backlog("big", 200);
        backlog("other", 40);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // round 1: everyone claims at once and completes nothing: exactly the limit of big's tasks are out
            List<ClaimedTask> held = concurrently(pool, threads, i -> claim(1 + i % 4, NO_DEFAULTS));
            assertThat(tenantsOf(held)).filteredOn("big"::equals).hasSize(3);
            assertThat(held.stream().map(ClaimedTask::taskId).distinct()).hasSize(held.size());
            assertThat(store.quotas().runningTasks("big")).isEqualTo(3);

            // rounds 2-6: claimers complete big's tasks as they go; big never runs more than 3
            for (int round = 0; round < 5; round++) {
                List<ClaimedTask> bigOnes =
                        held.stream().filter(c -> c.tenant().equals("big")).toList();
                queue.completeAll(bigOnes.stream()
                        .map(c -> new Completion(c.taskId(), c.leaseToken(), List.of(), 0))
                        .toList());
                held = concurrently(pool, threads, i -> {
                    List<ClaimedTask> got = claim(1 + i % 4, NO_DEFAULTS);
                    assertThat(store.quotas().runningTasks("big")).isLessThanOrEqualTo(3);
                    return got;
                });
                assertThat(tenantsOf(held)).filteredOn("big"::equals).hasSize(3);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private interface Claimer {
        List<ClaimedTask> claim(int index) throws Exception;
    }

    /** Every claimer at once (a barrier), answering all they claimed. */
    private static List<ClaimedTask> concurrently(ExecutorService pool, int n, Claimer claimer) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        List<Callable<List<ClaimedTask>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            calls.add(() -> {
                start.await(30, TimeUnit.SECONDS);
                return claimer.claim(index);
            });
        }
        List<ClaimedTask> all = Collections.synchronizedList(new ArrayList<>());
        for (Future<List<ClaimedTask>> f : pool.invokeAll(calls)) {
            all.addAll(f.get(60, TimeUnit.SECONDS));
        }
        Set<String> ids = all.stream().map(ClaimedTask::taskId).collect(Collectors.toSet());
        assertThat(ids).as("no task handed out twice").hasSize(all.size());
        return all;
    }
}
