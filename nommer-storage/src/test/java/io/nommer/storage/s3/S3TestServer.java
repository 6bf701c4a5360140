package io.nommer.storage.s3;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3-compatible server (s3proxy over jclouds' in-memory blob store) on 127.0.0.1, started once per test JVM and
 * checking request signatures. If it cannot start, the tests using it fail: they never skip.
 */
public final class S3TestServer {
    public static final String ACCESS_KEY = "nommer-test-access";
    public static final String SECRET_KEY = "nommer-test-s3cr3t-Wq8xZ";
    public static final String BUCKET = "nommer-test";
    public static final String OTHER_BUCKET = "nommer-other";

    private static S3TestServer instance;

    final URI endpoint;
    /** A plain SDK client, to look at the server independently of the code under test. */
    final S3Client client;

    private S3TestServer(URI endpoint) {
        this.endpoint = endpoint;
        this.client = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    public static synchronized S3TestServer get() throws Exception {
        if (instance == null) {
            // why: by name, jclouds would load every provider on the classpath, and the cloud ones are left out
            BlobStore store = ContextBuilder.newBuilder(new TransientApiMetadata())
                    .credentials("unused", "unused")
                    .build(BlobStoreContext.class)
                    .getBlobStore();
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store)
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
            S3TestServer server = new S3TestServer(URI.create("http://127.0.0.1:" + proxy.getPort()));
            server.client.createBucket(b -> b.bucket(BUCKET));
            server.client.createBucket(b -> b.bucket(OTHER_BUCKET));
            instance = server;
        }
        return instance;
    }

    /** nommer settings ({@code storage}, {@code s3_*}) that make a server or worker use this S3 under {@code prefix}. */
    public java.util.Map<String, String> nommerSettings(String prefix) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("storage", "s3://" + BUCKET + "/" + prefix);
        m.put("s3_endpoint", endpoint.toString());
        m.put("s3_path_style", "true");
        m.put("s3_access_key", ACCESS_KEY);
        m.put("s3_secret_key", SECRET_KEY);
        return m;
    }

    /** The server's URL (path-style addressing). */
    public URI endpoint() {
        return endpoint;
    }

    /** Storage on this server writing under {@code s3://nommer-test/<prefix>}, with 5 MiB multipart settings. */
    public S3StorageConfig config(String prefix) {
        return S3StorageConfig.of(URI.create("s3://" + BUCKET + "/" + prefix))
                .withEndpoint(endpoint)
                .withPathStyleAccess(true)
                .withCredentials(ACCESS_KEY, SECRET_KEY)
                .withMultipart(5L * 1024 * 1024, 5L * 1024 * 1024);
    }

    public Optional<byte[]> read(URI file) throws IOException {
        String key = file.getPath().substring(1);
        try {
            return Optional.of(
                    client.getObjectAsBytes(r -> r.bucket(file.getAuthority()).key(key))
                            .asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    public List<String> list(URI folder) {
        String prefix = folder.getPath().substring(1);
        return client
                .listObjectsV2Paginator(r -> r.bucket(folder.getAuthority()).prefix(prefix))
                .contents()
                .stream()
                .map(S3Object::key)
                .map(k -> k.substring(prefix.length()))
                .toList();
    }

    /** The keys of the multipart uploads under {@code folder} that were begun and neither completed nor aborted. */
    public List<String> multipartUploads(URI folder) {
        String prefix = folder.getPath().substring(1);
        return client.listMultipartUploads(r -> r.bucket(folder.getAuthority()).prefix(prefix)).uploads().stream()
                .map(MultipartUpload::key)
                .toList();
    }

    /** Begins a multipart upload of {@code key} and leaves it open, as a crashed uploader would; answers its id. */
    public String beginMultipartUpload(String bucket, String key) {
        return client.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    }

    public void abortMultipartUpload(String bucket, String key, String uploadId) {
        client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
    }

    /** Creates {@code bucket}, e.g. one a test deletes again. */
    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    /** Deletes {@code bucket} with every object in it, as an operator removing it under a running service would. */
    public void deleteBucket(String bucket) {
        client.listObjectsV2Paginator(r -> r.bucket(bucket))
                .contents()
                .forEach(o -> client.deleteObject(r -> r.bucket(bucket).key(o.key())));
        client.deleteBucket(r -> r.bucket(bucket));
    }

    public void put(String bucket, String key, byte[] bytes) {
        client.putObject(r -> r.bucket(bucket).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
    }
}
