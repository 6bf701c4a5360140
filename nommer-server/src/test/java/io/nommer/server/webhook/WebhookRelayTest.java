package io.nommer.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookRelayTest {
    @Test
    void backoff_doublesToAnHourAndRetriesCoverADay() {
        assertThat(WebhookRelay.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(WebhookRelay.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(WebhookRelay.backoff(30)).isEqualTo(Duration.ofHours(1));
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < WebhookRelay.GIVE_UP_AFTER_ATTEMPTS; attempt++) {
            total = total.plus(WebhookRelay.backoff(attempt));
        }
        assertThat(total).isGreaterThan(Duration.ofHours(24));
    }
}
