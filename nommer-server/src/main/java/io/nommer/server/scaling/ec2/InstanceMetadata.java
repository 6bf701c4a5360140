package io.nommer.server.scaling.ec2;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * This instance's id, from EC2's instance metadata service in its version 2 (a session token first, then the id with
 * the token), the only version a launch template that requires IMDSv2 leaves.
 */
final class InstanceMetadata {
    static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI endpoint;
    private final HttpClient http;

    InstanceMetadata(URI endpoint) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .build();
    }

    /**
     * @throws IllegalStateException naming {@code ec2_metadata_endpoint} when the service does not answer with an
     *     instance id (not on EC2, IMDS disabled, or a hop limit the request does not get through)
     */
    String instanceId() {
        try {
            String token = send(HttpRequest.newBuilder(endpoint.resolve("/latest/api/token"))
                    .header(TOKEN_TTL_HEADER, "300")
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            String id = send(HttpRequest.newBuilder(endpoint.resolve("/latest/meta-data/instance-id"))
                            .header(TOKEN_HEADER, token)
                            .GET())
                    .strip();
            if (!id.matches("i-[0-9a-f]{8,32}")) {
                throw new IOException("the instance id it gave is '" + id + "'");
            }
            return id;
        } catch (IOException e) {
            throw new IllegalStateException(
                    failure() + java.util.Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(failure() + "interrupted", e);
        }
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest r = request.timeout(TIMEOUT).build();
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(r.method() + " " + r.uri().getPath() + " answered " + response.statusCode());
        }
        return response.body();
    }

    private String failure() {
        return "cannot read this instance's id from the instance metadata service at " + endpoint
                + " (ec2_metadata_endpoint; is this an EC2 instance with IMDS enabled?): ";
    }
}
