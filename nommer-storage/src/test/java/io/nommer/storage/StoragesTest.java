package io.nommer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.storage.Upload;
import io.nommer.storage.http.HttpFetchConfig;
import io.nommer.storage.local.LocalStorageConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoragesTest {
    @TempDir
    Path base;

    Path work;
    Storages storages;

    @BeforeEach
    void start() throws IOException {
        work = Files.createDirectories(base.resolve("work"));
        Files.createDirectories(base.resolve("in"));
        storages = Storages.create(
                LocalStorageConfig.of(base.resolve("data")).withInputRoots(List.of(base.resolve("in"))),
                HttpFetchConfig.defaults());
    }

    @AfterEach
    void stop() {
        storages.close();
    }

    @Test
    void uploads_areUsedWhereTheyLie() {
        Upload upload = storages.local().storeUpload(new ByteArrayInputStream(new byte[] {1, 2, 3}), "a.mp4");

        storages.checkAcceptable(upload.uri());
        assertThat(storages.fetch(upload.uri(), work).temporary()).isFalse();
    }

    @Test
    void fileInputs_goThroughTheRootsCheck() throws IOException {
        Path inside = Files.writeString(base.resolve("in/a.mp4"), "a");
        Path outside = Files.writeString(base.resolve("b.mp4"), "b");

        assertThat(storages.fetch(inside.toUri(), work).temporary()).isFalse();
        assertThatThrownBy(() -> storages.checkAcceptable(outside.toUri()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void httpInputs_goThroughTheAddressCheck() {
        URI loopback = URI.create("http://127.0.0.1:9/a.mp4");

        assertThatThrownBy(() -> storages.checkAcceptable(loopback))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowPrivateNetworks");
        assertCode(() -> storages.fetch(loopback, work), ErrorCode.INPUT_FORBIDDEN);
        storages.checkAcceptable(URI.create("https://media.example.com/a.mp4"));
    }

    @Test
    void s3_isRefusedWithAMessageSayingItIsNotAvailableYet() {
        URI s3 = URI.create("s3://bucket/key.mp4");

        assertThatThrownBy(() -> storages.checkAcceptable(s3)).hasMessageContaining("S3 storage is not available yet");
        assertThatThrownBy(() -> storages.checkWritable(URI.create("s3://bucket/out/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("S3 storage is not available yet");
        assertThatThrownBy(() -> storages.fetch(s3, work))
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_FORBIDDEN))
                .hasMessageContaining("S3 storage is not available yet");
    }

    @Test
    void unknownSchemes_areRefused() {
        for (String bad : List.of("ftp://host/a.mp4", "gopher://host/a", "a.mp4", "data:video/mp4;base64,AAAA")) {
            URI uri = URI.create(bad);
            assertThatThrownBy(() -> storages.checkAcceptable(uri))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertCode(() -> storages.fetch(uri, work), ErrorCode.INPUT_FORBIDDEN);
        }
        assertThatThrownBy(() -> storages.checkWritable(URI.create("ftp://host/out/")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outputs_withoutDestinationGoToTheDataFolder() throws IOException {
        Path file = Files.writeString(work.resolve("v.mp4"), "v");
        URI folder = storages.defaultFolder("job_1", "mp4");

        URI uri = storages.publish(file, folder, "v.mp4");

        assertThat(Path.of(uri))
                .startsWith(storages.local().dataDir().resolve("outputs"))
                .hasContent("v");
    }

    private static void assertCode(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
