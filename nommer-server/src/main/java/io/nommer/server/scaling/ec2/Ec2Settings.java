package io.nommer.server.scaling.ec2;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingClientBuilder;

/**
 * The {@code ec2_*} settings, read from the configuration's provider settings and checked here, with messages that
 * name the setting. Credentials are never settings: the AWS SDK's default chain finds them (on EC2, the instance
 * profile of the orchestrator or of the worker's instance).
 *
 * @param region {@code ec2_region}; null: the SDK's default chain ({@code AWS_REGION}, the profile, the instance's
 *     metadata)
 * @param endpoint {@code ec2_endpoint}: where Auto Scaling is called instead of AWS's regional endpoint (a VPC
 *     endpoint; a local server in tests); null for AWS's
 * @param group {@code ec2_auto_scaling_group}: the Auto Scaling group of a cloud's workers, {@code {cloud}} replaced
 *     by the cloud's name
 * @param terminateWhenIdle {@code ec2_terminate_when_idle}: a worker that exits when idle terminates its own instance
 * @param metadataEndpoint {@code ec2_metadata_endpoint}: the instance metadata service a worker asks its instance id
 */
public record Ec2Settings(String region, URI endpoint, String group, boolean terminateWhenIdle, URI metadataEndpoint) {
    public static final String DEFAULT_GROUP = "nommer-workers-{cloud}";
    public static final URI DEFAULT_METADATA_ENDPOINT = URI.create("http://169.254.169.254");

    public Ec2Settings {
        if (region != null && !region.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException(
                    "ec2_region must be an AWS region such as eu-west-1, not '" + region + "'");
        }
        if (group.isBlank() || group.length() > 255) {
            throw new IllegalArgumentException("ec2_auto_scaling_group must be 1-255 characters, not '" + group + "'");
        }
    }

    /** Reads the {@code ec2_*} entries of {@code providerSettings} (the others are other providers'). */
    public static Ec2Settings of(Map<String, String> providerSettings) {
        return new Ec2Settings(
                providerSettings.get("ec2_region"),
                url(providerSettings, "ec2_endpoint", null),
                providerSettings.getOrDefault("ec2_auto_scaling_group", DEFAULT_GROUP),
                bool(providerSettings, "ec2_terminate_when_idle"),
                url(providerSettings, "ec2_metadata_endpoint", DEFAULT_METADATA_ENDPOINT));
    }

    /** The Auto Scaling group of {@code cloud}'s workers. */
    public String group(String cloud) {
        return group.replace("{cloud}", cloud);
    }

    /**
     * An Auto Scaling client for {@link #region} (else the SDK's default chain) and {@link #endpoint}.
     *
     * @throws IllegalArgumentException when no region is set and the SDK finds none
     */
    AutoScalingClient client() {
        AutoScalingClientBuilder b = AutoScalingClient.builder()
                // why: a small blocking JDK client, as for S3; no Netty or Apache HttpClient on the classpath
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(30)));
        if (region != null) {
            b.region(Region.of(region));
        }
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        try {
            return b.build();
        } catch (SdkClientException e) {
            throw new IllegalArgumentException(
                    "ec2_region is not set and the AWS SDK finds no region (AWS_REGION, a profile or the instance's"
                            + " metadata): " + e.getMessage(),
                    e);
        }
    }

    private static URI url(Map<String, String> s, String key, URI fallback) {
        String v = s.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            URI u = new URI(v);
            if ((u.getScheme() != null && u.getScheme().matches("https?")) && u.getHost() != null) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below, naming the setting
        }
        throw new IllegalArgumentException(
                key + " must be an http(s) URL such as http://127.0.0.1:4566, not '" + v + "'");
    }

    private static boolean bool(Map<String, String> s, String key) {
        String v = s.getOrDefault(key, "false");
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, not '" + v + "'");
        };
    }
}
