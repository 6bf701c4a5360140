package io.nommer.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.nommer.core.auth.KeyTokens;
import org.junit.jupiter.api.Test;

class OwnerTokensTest {
    private final String token = OwnerTokens.newToken();

    @Test
    void hash_is128BitsOfTheSha256InBase64url() {
        assertThat(OwnerTokens.hash(token)).matches("[A-Za-z0-9_-]{22}").isEqualTo(OwnerTokens.hash(token));
    }

    @Test
    void matches_theTokenItWasMadeFrom_only() {
        String stored = OwnerTokens.hash(token);

        assertThat(OwnerTokens.matches(token, stored)).isTrue();
        assertThat(OwnerTokens.matches(OwnerTokens.newToken(), stored)).isFalse();
        assertThat(OwnerTokens.matches(token, null)).isFalse();
    }

    @Test
    void matches_aWholeHexHash_storedBeforeHashesWereCut() {
        String stored = KeyTokens.hash(token);

        assertThat(stored).hasSize(64);
        assertThat(OwnerTokens.matches(token, stored)).isTrue();
        assertThat(OwnerTokens.matches(OwnerTokens.newToken(), stored)).isFalse();
    }
}
