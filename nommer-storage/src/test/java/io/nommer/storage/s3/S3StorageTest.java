package io.nommer.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.storage.LocalInput;
import io.nommer.storage.local.StoredFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

class S3StorageTest {
    static final int MIB = 1024 * 1024;

    @TempDir
    Path work;

    S3TestServer server;
    String prefix;
    S3Storage storage;

    @BeforeEach
    void start() throws Exception {
        server = S3TestServer.get();
        prefix = "t-" + UUID.randomUUID();
        storage = new S3Storage(server.config(prefix));
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    @Test
    void fetch_downloadsTheObjectIntoTheWorkFolder() throws IOException {
        byte[] bytes = randomBytes(300_000);
        server.put(S3TestServer.BUCKET, prefix + "/in/clip.MP4", bytes);

        LocalInput input = storage.fetch(object(prefix + "/in/clip.MP4"), work);

        assertThat(input.temporary()).isTrue();
        assertThat(input.size()).isEqualTo(bytes.length);
        assertThat(input.file()).hasParent(work).hasFileName("input.mp4");
        assertThat(Files.readAllBytes(input.file())).isEqualTo(bytes);
    }

    @Test
    void fetch_missingKeyIsInputNotFound() {
        assertCode(() -> storage.fetch(object(prefix + "/nope.mp4"), work), ErrorCode.INPUT_NOT_FOUND);
    }

    @Test
    void fetch_objectLargerThanTheLimitIsInputTooLargeAndLeavesNoFile() throws IOException {
        S3Storage small = new S3Storage(server.config(prefix).withMaxInputBytes(1_000));
        server.put(S3TestServer.BUCKET, prefix + "/big.mp4", new byte[1_001]);
        try {
            assertCode(() -> small.fetch(object(prefix + "/big.mp4"), work), ErrorCode.INPUT_TOO_LARGE);
        } finally {
            small.close();
        }
        try (var files = Files.list(work)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void fetch_emptyObjectIsInputEmpty() {
        server.put(S3TestServer.BUCKET, prefix + "/empty.mp4", new byte[0]);

        assertCode(() -> storage.fetch(object(prefix + "/empty.mp4"), work), ErrorCode.INPUT_EMPTY);
    }

    @Test
    void fetch_bucketNotAllowedIsInputForbidden() {
        server.put(S3TestServer.OTHER_BUCKET, "a.mp4", new byte[] {1});

        assertCode(
                () -> storage.fetch(URI.create("s3://" + S3TestServer.OTHER_BUCKET + "/a.mp4"), work),
                ErrorCode.INPUT_FORBIDDEN);
    }

    @Test
    void fetch_fromAnAllowedOtherBucket() {
        S3Storage wide = new S3Storage(server.config(prefix).withAllowedBuckets(List.of(S3TestServer.OTHER_BUCKET)));
        server.put(S3TestServer.OTHER_BUCKET, prefix + "/a.mp4", new byte[] {1, 2});
        try {
            assertThat(wide.fetch(URI.create("s3://" + S3TestServer.OTHER_BUCKET + "/" + prefix + "/a.mp4"), work)
                            .size())
                    .isEqualTo(2);
        } finally {
            wide.close();
        }
    }

    @Test
    void checks_refuseMalformedURIsAndOtherBuckets() {
        for (String bad : List.of(
                "s3://" + S3TestServer.BUCKET + "/",
                "s3://" + S3TestServer.BUCKET,
                "s3:opaque",
                "s3://user:pw@" + S3TestServer.BUCKET + "/a",
                "s3://" + S3TestServer.BUCKET + "/a?x=1",
                "s3://" + S3TestServer.OTHER_BUCKET + "/a.mp4",
                "s3://Bad_Bucket/a.mp4",
                "file:///a.mp4")) {
            assertThatThrownBy(() -> storage.checkAcceptable(URI.create(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : List.of(
                "s3://" + S3TestServer.BUCKET + "/out",
                "s3://" + S3TestServer.BUCKET + "/a//b/",
                "s3://" + S3TestServer.BUCKET + "/a/../b/",
                "s3://" + S3TestServer.OTHER_BUCKET + "/out/")) {
            assertThatThrownBy(() -> storage.checkWritable(URI.create(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        storage.checkWritable(URI.create("s3://" + S3TestServer.BUCKET + "/anywhere/out/"));
        storage.checkAcceptable(URI.create("s3://" + S3TestServer.BUCKET + "/in/a.mp4"));
    }

    @Test
    void defaultFolder_isUnderTheConfiguredPrefix() {
        assertThat(storage.defaultFolder("job_1", "mp4"))
                .isEqualTo(URI.create("s3://" + S3TestServer.BUCKET + "/" + prefix + "/outputs/job_1/mp4/"));
    }

    @Test
    void publish_aboveTheThresholdUsesAMultipartUploadAndReadsBackWhole() throws IOException {
        byte[] bytes = randomBytes(12 * MIB);
        Path file = Files.write(work.resolve("big.mp4"), bytes);
        AtomicInteger parts = new AtomicInteger();
        S3Storage counting = new S3Storage(server.config(prefix), c -> new Wrapped(c) {
            @Override
            public UploadPartResponse uploadPart(UploadPartRequest r, RequestBody body) {
                parts.incrementAndGet();
                return super.uploadPart(r, body);
            }
        });
        try {
            URI uri = counting.publish(file, counting.defaultFolder("job_mp", "mp4"), "video.mp4");

            assertThat(parts).hasValue(3);
            assertThat(server.read(uri)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
        } finally {
            counting.close();
        }
    }

    @Test
    void publish_abortsAFailedMultipartUploadAndLeavesNoObject() throws IOException {
        Path file = Files.write(work.resolve("big.mp4"), randomBytes(11 * MIB));
        AtomicBoolean aborted = new AtomicBoolean();
        S3Storage failing = new S3Storage(server.config(prefix), c -> new Wrapped(c) {
            @Override
            public UploadPartResponse uploadPart(UploadPartRequest r, RequestBody body) {
                if (r.partNumber() == 2) {
                    throw SdkClientException.create("connection reset (injected)");
                }
                return super.uploadPart(r, body);
            }

            @Override
            public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest r) {
                aborted.set(true);
                return super.abortMultipartUpload(r);
            }
        });
        URI folder = failing.defaultFolder("job_abort", "mp4");
        try {
            assertThatThrownBy(() -> failing.publish(file, folder, "video.mp4"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("video.mp4");
        } finally {
            failing.close();
        }

        assertThat(aborted).isTrue();
        assertThat(server.read(URI.create(folder + "video.mp4"))).isEmpty();
        assertThat(server.list(folder)).isEmpty();
        assertThat(server.client
                        .listMultipartUploads(r -> r.bucket(S3TestServer.BUCKET)
                                .prefix(folder.getPath().substring(1)))
                        .uploads())
                .isEmpty();
    }

    @Test
    void presign_givesAURLThatDownloadsTheBytesWithAPlainGet() throws Exception {
        byte[] bytes = randomBytes(50_000);
        URI uri = storage.publish(
                Files.write(work.resolve("v.mp4"), bytes), storage.defaultFolder("job_p", "mp4"), "v.mp4");

        URI url = storage.presign(uri, Duration.ofMinutes(5)).toURI();

        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
        assertThat(url.toString()).doesNotContain(S3TestServer.SECRET_KEY);
    }

    @Test
    void open_servesAPublishedObjectAndIsEmptyForAMissingOne() throws IOException {
        URI uri = storage.publish(
                Files.write(work.resolve("v.mp4"), new byte[] {4, 5, 6}),
                storage.defaultFolder("job_o", "mp4"),
                "v.mp4");

        Optional<StoredFile> opened = storage.open(uri);
        assertThat(opened).isPresent();
        try (StoredFile f = opened.get()) {
            assertThat(f.size()).isEqualTo(3);
            assertThat(f.name()).isEqualTo("v.mp4");
            assertThat(f.body().readAllBytes()).containsExactly(4, 5, 6);
        }
        assertThat(storage.open(URI.create(storage.defaultFolder("job_o", "mp4") + "none.mp4")))
                .isEmpty();
    }

    @Test
    void credentials_neverAppearInToStringOrErrors() throws IOException {
        String secret = "wrong-SECRET-kq93jd";
        S3StorageConfig config = server.config(prefix).withCredentials("wrong-ACCESS-1234", secret);
        assertThat(config.toString())
                .doesNotContain(secret)
                .doesNotContain("wrong-ACCESS-1234")
                .doesNotContain(S3TestServer.SECRET_KEY)
                .contains("<masked>");
        assertThat(server.config(prefix).toString()).doesNotContain(S3TestServer.SECRET_KEY);

        S3Storage wrong = new S3Storage(config);
        Path file = Files.write(work.resolve("v.mp4"), new byte[] {1});
        try {
            assertThatThrownBy(() -> wrong.fetch(object(prefix + "/a.mp4"), work))
                    .isInstanceOfSatisfying(
                            TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_FORBIDDEN))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
            assertThatThrownBy(() -> wrong.publish(file, wrong.defaultFolder("job_c", "mp4"), "v.mp4"))
                    .isInstanceOfSatisfying(
                            TaskFailedException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        } finally {
            wrong.close();
        }
        assertThatThrownBy(() -> server.config(prefix).withEndpoint(URI.create("http://ak:" + secret + "@h:9000")))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    }

    @Test
    void config_validationNamesTheSetting() {
        URI location = URI.create("s3://bucket/prefix");
        assertThatThrownBy(() -> S3StorageConfig.of(location).withMultipart(10 * MIB, MIB))
                .hasMessageContaining("partSize");
        assertThatThrownBy(() -> S3StorageConfig.of(location).withMultipart(MIB, 5 * MIB))
                .hasMessageContaining("multipartThreshold");
        assertThatThrownBy(() -> S3StorageConfig.of(location).withMaxInputBytes(0))
                .hasMessageContaining("maxInputBytes");
        assertThatThrownBy(() -> S3StorageConfig.of(location).withCredentials("a", null))
                .hasMessageContaining("secretKey");
        assertThatThrownBy(() -> S3StorageConfig.of(URI.create("http://bucket/x")))
                .hasMessageContaining("defaultLocation");
        assertThatThrownBy(() -> S3StorageConfig.of(location).withRegion("")).hasMessageContaining("region");
        assertThat(S3StorageConfig.of(URI.create("s3://bucket/a/b/")).defaultPrefix())
                .isEqualTo("a/b/");
        assertThat(S3StorageConfig.of(URI.create("s3://bucket")).defaultPrefix())
                .isEmpty();
    }

    private static URI object(String key) {
        return URI.create("s3://" + S3TestServer.BUCKET + "/" + key);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static void assertCode(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    /** Delegates what S3Storage uses when publishing, so a test can intercept one call. */
    static class Wrapped implements S3Client {
        private final S3Client d;

        Wrapped(S3Client d) {
            this.d = d;
        }

        @Override
        public PutObjectResponse putObject(PutObjectRequest r, RequestBody body) {
            return d.putObject(r, body);
        }

        @Override
        public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest r) {
            return d.createMultipartUpload(r);
        }

        @Override
        public UploadPartResponse uploadPart(UploadPartRequest r, RequestBody body) {
            return d.uploadPart(r, body);
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest r) {
            return d.completeMultipartUpload(r);
        }

        @Override
        public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest r) {
            return d.abortMultipartUpload(r);
        }

        @Override
        public String serviceName() {
            return d.serviceName();
        }

        @Override
        public void close() {
            d.close();
        }
    }
}
