package io.nommer.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = tmp.resolve("nommer.properties");
        Files.writeString(file, "port = 7000\nworkers = 3\ndata = /srv/file-data\n");
        ServerConfig c = ConfigLoader.load(Map.of("config", file.toString(), "port", "9000"),
                Map.of("NOMMER_WORKERS", "5", "NOMMER_PORT", "8000"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.workers()).isEqualTo(5);
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/file-data"));
    }

    @Test
    void defaults_needNoConfiguration() {
        ServerConfig c = ConfigLoader.load(Map.of(), Map.of());
        assertThat(c.port()).isEqualTo(ServerConfig.DEFAULT_PORT);
        assertThat(c.dataDir()).isEqualTo(ServerConfig.DEFAULT_DATA);
        assertThat(c.workers()).isPositive();
        assertThat(c.allowPrivateNetworks()).isFalse();
    }

    @Test
    void badValues_nameTheSettingAndWhereItCameFrom() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("NOMMER_PORT", "eighty")))
                .hasMessageContaining("port").hasMessageContaining("NOMMER_PORT");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("workers", "-1"), Map.of()))
                .hasMessageContaining("workers must be between 0 and 256");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("colour", "red"), Map.of()))
                .hasMessageContaining("unknown setting 'colour'");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("allow-private-networks", "maybe"), Map.of()))
                .hasMessageContaining("allow_private_networks must be true or false");
    }

    @Test
    void secrets_areMaskedInTheLoggedForm() {
        ServerConfig c = ConfigLoader.load(Map.of("webhook_secret", "super-secret-value-123"), Map.of());
        assertThat(c.toString()).doesNotContain("super-secret-value-123").contains("webhook_secret=<masked>");
    }
}
