package io.nommer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.storage.Storages.DefaultStorage;
import io.nommer.storage.http.HttpFetchConfig;
import io.nommer.storage.local.LocalStorageConfig;
import io.nommer.storage.s3.S3StorageConfig;
import io.nommer.storage.s3.S3TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoragesS3Test {
    @TempDir
    Path base;

    S3TestServer server;
    S3StorageConfig s3;

    @BeforeEach
    void start() throws Exception {
        server = S3TestServer.get();
        s3 = server.config("storages-" + UUID.randomUUID());
    }

    @Test
    void s3_isRoutedToS3StorageWhenConfigured() throws IOException {
        try (Storages storages = Storages.create(
                LocalStorageConfig.of(base.resolve("data")), HttpFetchConfig.defaults(), Optional.of(s3))) {
            server.put(S3TestServer.BUCKET, "in/" + s3.defaultPrefix() + "a.mp4", new byte[] {1, 2, 3});
            URI input = URI.create("s3://" + S3TestServer.BUCKET + "/in/" + s3.defaultPrefix() + "a.mp4");

            storages.checkAcceptable(input);
            assertThat(storages.fetch(input, base.resolve("work")).size()).isEqualTo(3);

            URI folder = storages.defaultFolder("job_1", "mp4");
            assertThat(folder.getScheme()).isEqualTo("s3");
            storages.checkWritable(folder);
            URI out = storages.publish(Files.write(base.resolve("v.mp4"), new byte[] {9}), folder, "v.mp4");
            assertThat(server.read(out)).hasValueSatisfying(b -> assertThat(b).containsExactly(9));
            assertThat(storages.open(out)).isPresent().get().satisfies(f -> f.close());
        }
    }

    @Test
    void defaultOutputs_stayLocalWhenThatIsChosen() {
        try (Storages storages = Storages.create(
                LocalStorageConfig.of(base.resolve("data")),
                HttpFetchConfig.defaults(),
                Optional.of(s3),
                DefaultStorage.LOCAL)) {
            assertThat(storages.defaultFolder("job_1", "mp4").getScheme()).isEqualTo("file");
            storages.checkWritable(URI.create("s3://" + S3TestServer.BUCKET + "/out/"));
        }
    }

    @Test
    void defaultOutputsOnS3_requireS3ToBeConfigured() {
        assertThatThrownBy(() -> Storages.create(
                        LocalStorageConfig.of(base.resolve("data")),
                        HttpFetchConfig.defaults(),
                        Optional.empty(),
                        DefaultStorage.S3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("S3");
    }

    @Test
    void withoutS3Configuration_s3IsStillRefusedClearly() {
        try (Storages storages = Storages.create(
                LocalStorageConfig.of(base.resolve("data")), HttpFetchConfig.defaults(), Optional.empty())) {
            assertThat(storages.defaultFolder("job_1", "mp4").getScheme()).isEqualTo("file");
            assertThatThrownBy(() -> storages.checkWritable(URI.create("s3://bucket/out/")))
                    .hasMessageContaining("S3 storage is not available yet");
        }
    }
}
