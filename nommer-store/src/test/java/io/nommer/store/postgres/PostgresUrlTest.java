package io.nommer.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {
    @Test
    void parse_cliForm_movesCredentialsOutOfTheJdbcUrl() {
        PostgresUrl url = PostgresUrl.parse("postgresql://nommer:s%40cret@db.example:6543/media?sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/media?sslmode=require");
        assertThat(url.user()).isEqualTo("nommer");
        assertThat(url.password()).isEqualTo("s@cret");
    }

    @Test
    void parse_cliFormWithoutPortOrPassword_usesTheDefaultPort() {
        PostgresUrl url = PostgresUrl.parse("postgres://nommer@db/media");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/media");
        assertThat(url.user()).isEqualTo("nommer");
        assertThat(url.password()).isNull();
    }

    @Test
    void parse_jdbcForm_takesUserAndPasswordParametersOut() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://db:5432/media?user=nommer&password=p%26w&ssl=true");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/media?ssl=true");
        assertThat(url.user()).isEqualTo("nommer");
        assertThat(url.password()).isEqualTo("p&w");
    }

    @Test
    void toString_masksThePassword() {
        assertThat(PostgresUrl.parse("postgresql://nommer:hunter2@db/media").toString())
                .doesNotContain("hunter2")
                .contains("password=<masked>")
                .contains("user=nommer");
    }

    @Test
    void parse_rejectsOtherSchemesWithoutRevealingThePassword() {
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://nommer:hunter2@db/media"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mysql://nommer:<masked>@db/media")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://nommer:hun ter2@db/media"))
                .hasMessageNotContaining("hun ter2");
    }

    @Test
    void mask_hidesPasswordParameters() {
        assertThat(PostgresUrl.mask("jdbc:postgresql://db/media?user=a&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/media?user=a&password=<masked>&ssl=true");
    }
}
