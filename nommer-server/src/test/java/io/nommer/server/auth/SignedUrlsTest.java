package io.nommer.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.server.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SignedUrlsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T10:20:00Z"));
    private final SignedUrls urls = new SignedUrls("0123456789abcdef-secret", Duration.ofHours(24), now::get);

    @Test
    void aToken_grantsItsOwnOutput_untilItExpires_atLeastTheLifetimeAway_onAnHour() {
        String token = urls.token("job_1", "web");

        urls.verify(token, "job_1", "web");
        assertThat(token).startsWith(Instant.parse("2026-12-05T11:00:00Z").getEpochSecond() + "-");
        now.set(Instant.parse("2026-12-05T11:00:00Z"));
        urls.verify(token, "job_1", "web");
        now.set(Instant.parse("2026-12-05T11:00:01Z"));
        assertThatThrownBy(() -> urls.verify(token, "job_1", "web"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("expired at 2026-12-05T11:00:00Z")
                .extracting(e -> ((ApiException) e).code())
                .isEqualTo("url_expired");
    }

    @Test
    void tokensMadeWithinAnHour_areTheSame_soCachesKeepWorking() {
        String first = urls.token("job_1", "web");
        now.set(now.get().plus(Duration.ofMinutes(30)));

        assertThat(urls.token("job_1", "web")).isEqualTo(first);
    }

    @Test
    void aToken_isRefused_forAnotherJobOrOutput_tamperedWith_orFromAnotherSecret() {
        String token = urls.token("job_1", "web");
        String later =
                Long.parseLong(token.substring(0, token.indexOf('-'))) + 3600 + token.substring(token.indexOf('-'));
        SignedUrls other = new SignedUrls("another-secret-of-16+", Duration.ofHours(24), now::get);

        for (Runnable bad : new Runnable[] {
            () -> urls.verify(token, "job_2", "web"),
            () -> urls.verify(token, "job_1", "mobile"),
            () -> urls.verify(later, "job_1", "web"),
            () -> urls.verify(other.token("job_1", "web"), "job_1", "web"),
            () -> urls.verify("", "job_1", "web"),
            () -> urls.verify("-", "job_1", "web"),
            () -> urls.verify("abc-def", "job_1", "web"),
            () -> urls.verify("99999999999999999999-x", "job_1", "web"),
            () -> urls.verify(token.substring(0, token.length() - 1), "job_1", "web")
        }) {
            assertThatThrownBy(bad::run)
                    .isInstanceOf(ApiException.class)
                    .extracting(e -> ((ApiException) e).code())
                    .isEqualTo("invalid_signature");
        }
    }
}
