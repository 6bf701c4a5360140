package io.nommer.server.scaling.ec2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for AWS on 127.0.0.1 (none is reachable from the tests): it answers the Auto Scaling Query API with the
 * XML AWS documents, and the instance metadata service's IMDSv2 token and instance id, and records every request so
 * that tests assert what nommer asked. While it runs, the AWS SDK's default chain finds fake credentials in the
 * {@code aws.accessKeyId} and {@code aws.secretAccessKey} system properties.
 */
public final class RecordingAws implements AutoCloseable {
    public static final String TOKEN = "AQAEAJ7fake-imds-token==";
    public static final String INSTANCE_ID = "i-0a1b2c3d4e5f60718";
    private static final String XMLNS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    /** One request as received: its form fields for Auto Scaling, its headers for the metadata service. */
    public record Request(String method, String path, Map<String, String> headers, Map<String, String> form) {
        public String action() {
            return form.get("Action");
        }
    }

    private record Reply(int status, String body) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();

    private RecordingAws() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        System.setProperty("aws.accessKeyId", "AKIAFAKEFORTESTS0000");
        System.setProperty("aws.secretAccessKey", "fake-secret-for-the-recording-server");
        replies.put("DescribeAutoScalingGroups", ok("DescribeAutoScalingGroups", "<AutoScalingGroups/>"));
        replies.put("SetDesiredCapacity", ok("SetDesiredCapacity", null));
        replies.put("TerminateInstanceInAutoScalingGroup", ok("TerminateInstanceInAutoScalingGroup", """
                        <Activity>
                          <StatusCode>InProgress</StatusCode>
                          <ActivityId>cczc44a87-7d04-dd0c-4b9c-2a7bd3d1d4f1</ActivityId>
                          <Description>Terminating EC2 instance: %s</Description>
                          <Cause>At 2026-12-05T09:00:00Z instance %s was taken out of service in response to a \
                        user request, shrinking the capacity from 2 to 1.</Cause>
                          <StartTime>2026-12-05T09:00:00.560Z</StartTime>
                          <Progress>0</Progress>
                        </Activity>""".formatted(
                        INSTANCE_ID, INSTANCE_ID)));
    }

    public static RecordingAws start() throws IOException {
        return new RecordingAws();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Describes one group from now on.
     *
     * @param instances {@code ID:LifecycleState}, such as {@code i-0aa:InService}
     */
    public void group(String name, int min, int max, int desired, String... instances) {
        StringBuilder members = new StringBuilder();
        for (String i : instances) {
            String[] idState = i.split(":", 2);
            members.append("""
                    <member>
                      <InstanceId>%s</InstanceId>
                      <InstanceType>c7i.2xlarge</InstanceType>
                      <AvailabilityZone>eu-west-1a</AvailabilityZone>
                      <LifecycleState>%s</LifecycleState>
                      <HealthStatus>Healthy</HealthStatus>
                      <ProtectedFromScaleIn>false</ProtectedFromScaleIn>
                    </member>""".formatted(idState[0], idState[1]));
        }
        replies.put("DescribeAutoScalingGroups", ok("DescribeAutoScalingGroups", """
                <AutoScalingGroups>
                  <member>
                    <AutoScalingGroupName>%s</AutoScalingGroupName>
                    <AutoScalingGroupARN>arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1b2c3d:\
                autoScalingGroupName/%s</AutoScalingGroupARN>
                    <MinSize>%d</MinSize>
                    <MaxSize>%d</MaxSize>
                    <DesiredCapacity>%d</DesiredCapacity>
                    <DefaultCooldown>300</DefaultCooldown>
                    <AvailabilityZones><member>eu-west-1a</member></AvailabilityZones>
                    <HealthCheckType>EC2</HealthCheckType>
                    <CreatedTime>2026-12-01T10:00:00.000Z</CreatedTime>
                    <Instances>%s</Instances>
                  </member>
                </AutoScalingGroups>""".formatted(
                        name, name, min, max, desired, members)));
    }

    /** Refuses {@code action} from now on with AWS's ErrorResponse. */
    public void refuse(String action, int status, String code, String message) {
        replies.put(action, new Reply(status, """
                <ErrorResponse xmlns="%s">
                  <Error>
                    <Type>Sender</Type>
                    <Code>%s</Code>
                    <Message>%s</Message>
                  </Error>
                  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
                </ErrorResponse>""".formatted(XMLNS, code, message)));
    }

    /** Refuses to terminate instances from now on as AWS does when the group is at its MinSize. */
    public void refuseTerminationAtMinSize() {
        refuse(
                "TerminateInstanceInAutoScalingGroup",
                400,
                "ValidationError",
                "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate"
                        + " group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or"
                        + " lower group's min size.");
    }

    /** Every request so far, in order. */
    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** The Auto Scaling requests of one action so far. */
    public List<Request> requests(String action) {
        return requests.stream().filter(r -> action.equals(r.action())).toList();
    }

    private static Reply ok(String action, String result) {
        return new Reply(200, """
                <%1$sResponse xmlns="%2$s">
                  %3$s
                  <ResponseMetadata><RequestId>5f9d7e5b-34c3-11e4-9b4b-EXAMPLE</RequestId></ResponseMetadata>
                </%1$sResponse>""".formatted(
                action, XMLNS, result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>"));
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getPath();
        Request r = new Request(ex.getRequestMethod(), path, headers, path.equals("/") ? form(body) : Map.of());
        requests.add(r);
        Reply reply = switch (path) {
            case "/latest/api/token" ->
                r.method().equals("PUT") && headers.containsKey("x-aws-ec2-metadata-token-ttl-seconds")
                        ? new Reply(200, TOKEN)
                        : new Reply(400, "");
            case "/latest/meta-data/instance-id" ->
                TOKEN.equals(headers.get("x-aws-ec2-metadata-token"))
                        ? new Reply(200, INSTANCE_ID)
                        : new Reply(401, "");
            case "/" -> replies.getOrDefault(r.action(), new Reply(400, "unknown action " + r.action()));
            default -> new Reply(404, "");
        };
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", path.equals("/") ? "text/xml" : "text/plain");
        ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                m.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }
}
