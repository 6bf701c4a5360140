package io.nommer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.auth.ApiKey;
import io.nommer.core.auth.ApiKeys;
import io.nommer.core.auth.Role;
import io.nommer.core.job.JobFilter;
import io.nommer.core.job.NewJob;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ApiKeys}, upload owners and jobs' tenants, on every engine. */
public abstract class ApiKeysContract extends StoreFixture {
    @Test
    void aKey_isFoundOnlyByItsWholeToken_andItsSecretIsNeverStored() {
        ApiKeys.Created created = store.keys().create("acme", Role.TENANT, "web app", null);

        assertThat(created.token()).startsWith("nk_" + created.key().id() + "_");
        assertThat(store.keys().authenticate(created.token())).hasValue(created.key());
        String other = created.token().substring(0, created.token().length() - 1)
                + (created.token().endsWith("A") ? "B" : "A");
        assertThat(store.keys().authenticate(other)).as("one character off").isEmpty();
        assertThat(store.keys().authenticate("nk_" + created.key().id())).isEmpty();
        assertThat(store.keys().authenticate("own_whatever")).isEmpty();
        assertThat(store.keys().list(null))
                .singleElement()
                .extracting(ApiKey::tenant, ApiKey::role, ApiKey::description)
                .containsExactly("acme", Role.TENANT, "web app");
        assertThat(store.keys().tenants()).extracting(ApiKeys.Tenant::name).containsExactly("acme", "default");
    }

    @Test
    void revokedAndExpiredKeys_areStillFound_butNoLongerValid() {
        ApiKeys.Created revoked = store.keys().create("acme", Role.ADMIN, null, null);
        ApiKeys.Created expiring =
                store.keys().create("acme", Role.TENANT, null, clock.instant().plusSeconds(60));

        assertThat(store.keys().revoke(revoked.key().id()).orElseThrow().revokedAt())
                .isEqualTo(clock.instant());
        assertThat(store.keys().revoke("nosuchkey")).isEmpty();

        assertThat(store.keys().authenticate(revoked.token()).orElseThrow().validAt(clock.instant()))
                .isFalse();
        ApiKey e = store.keys().authenticate(expiring.token()).orElseThrow();
        assertThat(e.validAt(clock.instant())).isTrue();
        assertThat(e.validAt(clock.instant().plusSeconds(60))).isFalse();
        assertThat(store.keys().list("acme")).hasSize(2);
        assertThat(store.keys().list("other")).isEmpty();
    }

    @Test
    void aKeysUse_isRecorded() {
        ApiKeys.Created created = store.keys().create("acme", Role.TENANT, null, null);
        assertThat(created.key().lastUsedAt()).isNull();

        store.keys().authenticate(created.token());

        assertThat(store.keys().list("acme").get(0).lastUsedAt()).isEqualTo(clock.instant());
    }

    @Test
    void jobsKeepTheirTenant_andListsFilterByIt() {
        NewJob a = aJob().build();
        NewJob b = aJob().build();
        jobs.createAll(List.of(withTenant(a, "acme"), withTenant(b, "globex")));

        assertThat(job(a.id()).tenant()).isEqualTo("acme");
        assertThat(jobs.list(new JobFilter(null, null, null, null, 10, "globex"))
                        .items())
                .extracting(j -> j.id())
                .containsExactly(b.id());
        assertThat(jobs.list(new JobFilter(null, null, null, null, 10)).items()).hasSize(2);
    }

    @Test
    void uploadsRememberWhoStoredThem() {
        store.uploadOwners().record("upl_1", "acme", 123);

        assertThat(store.uploadOwners().owner("upl_1")).hasValue("acme");
        assertThat(store.uploadOwners().owner("upl_2")).isEmpty();
    }

    private static NewJob withTenant(NewJob j, String tenant) {
        return new NewJob(
                j.id(),
                j.input(),
                j.outputs(),
                j.priority(),
                j.metadata(),
                j.notifyUrl(),
                j.idempotencyKey(),
                j.maxAttempts(),
                j.cloud(),
                j.plan(),
                j.ownerTokenHash(),
                tenant,
                j.requestHash());
    }
}
