package io.nommer.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.failure.TaskFailedException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bucket that does not exist, or that refuses the service's credentials, is {@code storage_unavailable} naming the
 * bucket and S3's reason, wherever S3 storage meets it: never an unexplained I/O error, a missing file or a missing
 * input.
 */
class S3StorageUnavailableTest {
    static final String MISSING = "nommer-missing";
    static final String WRONG_SECRET = "wrong-SECRET-z81kq";

    @TempDir
    Path work;

    S3TestServer server;
    S3Storage missing;
    S3Storage refused;
    Path file;

    @BeforeEach
    void start() throws Exception {
        server = S3TestServer.get();
        String prefix = "t-" + UUID.randomUUID();
        missing = new S3Storage(S3StorageConfig.of(URI.create("s3://" + MISSING + "/" + prefix))
                .withEndpoint(server.endpoint())
                .withPathStyleAccess(true)
                .withCredentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .withMultipart(5L * 1024 * 1024, 5L * 1024 * 1024));
        refused = new S3Storage(server.config(prefix).withCredentials(S3TestServer.ACCESS_KEY, WRONG_SECRET));
        file = Files.write(work.resolve("v.mp4"), new byte[] {1, 2, 3});
    }

    @AfterEach
    void stop() {
        missing.close();
        refused.close();
    }

    @Test
    void publish_toABucketThatDoesNotExist_isStorageUnavailableNamingTheBucket() {
        assertUnavailable(
                () -> missing.publish(file, missing.defaultFolder("job_1", "mp4"), "v.mp4"),
                "bucket '" + MISSING + "' does not exist");
    }

    @Test
    void publish_aMultipartUploadToABucketThatDoesNotExist_isStorageUnavailable() throws Exception {
        Path big = Files.write(work.resolve("big.mp4"), new byte[6 * 1024 * 1024]);

        assertUnavailable(
                () -> missing.publish(big, missing.uploadsFolder(), "upl_1"),
                "bucket '" + MISSING + "' does not exist");
    }

    @Test
    void publish_refusedByTheBucket_isStorageUnavailableWithoutTheSecret() {
        assertUnavailable(
                () -> refused.publish(file, refused.defaultFolder("job_1", "mp4"), "v.mp4"),
                "bucket '" + S3TestServer.BUCKET + "' refuses");
    }

    @Test
    void read_fromABucketThatDoesNotExist_isStorageUnavailableNotAMissingFile() {
        URI object = URI.create("s3://" + MISSING + "/outputs/job_1/mp4/v.mp4");

        assertUnavailable(() -> missing.read(object, ObjectRead.Conditions.NONE), "does not exist");
        assertUnavailable(() -> missing.open(object), "does not exist");
    }

    @Test
    void read_refusedByTheBucket_isStorageUnavailable() {
        URI object = URI.create("s3://" + S3TestServer.BUCKET + "/outputs/job_1/mp4/v.mp4");

        assertUnavailable(() -> refused.read(object, ObjectRead.Conditions.NONE), "refuses");
    }

    @Test
    void fetch_fromABucketThatDoesNotExist_isStorageUnavailableNotAMissingInput() {
        assertUnavailable(() -> missing.fetch(URI.create("s3://" + MISSING + "/in/a.mp4"), work), "does not exist");
    }

    @Test
    void delete_inABucketThatDoesNotExist_isStorageUnavailable() {
        assertUnavailable(() -> missing.delete(URI.create("s3://" + MISSING + "/outputs/a.mp4")), "does not exist");
    }

    private static void assertUnavailable(ThrowingCallable call, String says) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        TaskFailedException.class,
                        e -> assertThat(e.code().code()).isEqualTo("storage_unavailable"))
                .hasMessageContaining(says)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain(WRONG_SECRET)
                        .doesNotContain(S3TestServer.SECRET_KEY));
    }
}
