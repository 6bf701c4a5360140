package io.nommer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.server.api.Json;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.http.HttpServer;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the HTTP server gives every endpoint: byte ranges and conditional requests for files, CORS for configured
 * origins, TLS with HTTP/2, problem documents for what Jetty refuses itself, and an idle timeout for silent clients.
 */
class HttpServerTest {
    @TempDir
    Path tmp;

    private NommerServer start(Map<String, String> settings) {
        Map<String, String> all =
                new HashMap<>(Map.of("port", "0", "data", tmp.resolve("data").toString(), "workers", "0"));
        all.putAll(settings);
        return NommerServer.start(ConfigLoader.load(all, Map.of()));
    }

    private static HttpResponse<byte[]> get(HttpClient client, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void files_answerByteRangesAndConditionalRequests() throws Exception {
        try (NommerServer server = start(Map.of())) {
            HttpClient client = HttpClient.newHttpClient();
            String url = server.baseUrl() + "/v1/openapi.yaml";
            HttpResponse<byte[]> whole = get(client, url);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Type")).hasValue("application/yaml");
            assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
            String etag = whole.headers().firstValue("ETag").orElseThrow();

            HttpResponse<byte[]> part = get(client, url, "Range", "bytes=0-6");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(new String(part.body(), StandardCharsets.UTF_8)).isEqualTo("openapi");
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 0-6/" + whole.body().length);

            assertThat(get(client, url, "If-None-Match", etag).statusCode()).isEqualTo(304);
            assertThat(get(client, url, "Range", "bytes=999999999-").statusCode())
                    .isEqualTo(416);
        }
    }

    /** A raw HTTP/1.1 GET, since Java's client will not send a Host header of the caller's choosing. */
    private static String rawGet(NommerServer server, String path, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void links_nameTheConnectionsAddress_notTheHostHeader() throws Exception {
        try (NommerServer server = start(Map.of())) {
            String answer = rawGet(server, "/v1/", "evil.example");
            assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("evil.example");
            assertThat(answer).contains("\"jobs\":\"http://127.0.0.1:" + server.port() + "/v1/jobs\"");
        }
    }

    @Test
    void links_namePublicUrl_whenConfigured() throws Exception {
        try (NommerServer server = start(Map.of("public_url", "https://media.example.com/nommer/"))) {
            assertThat(rawGet(server, "/v1/", "evil.example"))
                    .contains("\"jobs\":\"https://media.example.com/nommer/v1/jobs\"")
                    .doesNotContain("evil.example");
        }
    }

    @Test
    void publicUrl_mustBeAPlainUrl() {
        for (String bad : List.of("media.example.com", "https://user@media.example.com", "https://x/?a=b", "ftp://x")) {
            assertThatThrownBy(() -> start(Map.of("public_url", bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("public_url");
        }
    }

    @Test
    void cors_answersPreflightsForConfiguredOriginsOnly() throws Exception {
        try (NommerServer server = start(Map.of("cors_origins", "https://app.example.com"))) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<byte[]> preflight = client.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/jobs"))
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("Origin", "https://app.example.com")
                            .header("Access-Control-Request-Method", "POST")
                            .header("Access-Control-Request-Headers", "content-type,idempotency-key")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(preflight.statusCode()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("https://app.example.com");
            assertThat(preflight
                            .headers()
                            .firstValue("Access-Control-Allow-Methods")
                            .orElseThrow())
                    .contains("POST");

            HttpResponse<byte[]> allowed =
                    get(client, server.baseUrl() + "/v1/presets", "Origin", "https://app.example.com");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("https://app.example.com");
            HttpResponse<byte[]> other =
                    get(client, server.baseUrl() + "/v1/presets", "Origin", "https://evil.example");
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
    }

    @Test
    void withoutCorsOrigins_browsersGetNoCorsHeaders() throws Exception {
        try (NommerServer server = start(Map.of())) {
            HttpResponse<byte[]> r = get(
                    HttpClient.newHttpClient(), server.baseUrl() + "/v1/presets", "Origin", "https://app.example.com");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void tls_servesHttp2ByAlpn() throws Exception {
        Path keystore = tmp.resolve("server.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "nommer",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue())
                .as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();

        try (NommerServer server =
                start(Map.of("tls_keystore", keystore.toString(), "tls_keystore_password", "changeit"))) {
            assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                trust.load(in, "changeit".toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(ssl)
                    .version(HttpClient.Version.HTTP_2)
                    .build();

            HttpResponse<byte[]> r = get(client, server.baseUrl() + "/v1/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"jobs\":\"https://127.0.0.1:");
        }
    }

    @Test
    void whatJettyRefusesItself_isAProblemDocumentToo() throws Exception {
        try (NommerServer server = start(Map.of())) {
            String response = raw(
                    server.port(), "GET /v1/presets HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
            assertThat(response)
                    .startsWith("HTTP/1.1 431")
                    .contains("Content-Type: application/problem+json")
                    .contains("\"code\":\"headers_too_large\"");
            assertThat(raw(server.port(), "GET /v1/presets HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n"))
                    .startsWith("HTTP/1.1 400")
                    .contains("\"code\":\"bad_request\"");
        }
    }

    @Test
    void aClientThatStopsSending_isDisconnectedAfterTheIdleTimeout() throws Exception {
        try (NommerServer server = start(Map.of("http_idle_timeout_seconds", "1"));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            byte[] answer = socket.getInputStream().readAllBytes();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waited).as("closed after about the idle timeout").isBetween(500L, 8_000L);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).doesNotContain("201");
        }
    }

    @Test
    void aHandlerThatWorksLongerThanTheIdleTimeout_stillAnswers() throws Exception {
        Router router = new Router(Json.mapper(), null);
        router.add("GET", "/slow", req -> {
            Thread.sleep(2_500);
            return Response.ok(Map.of("done", true));
        });
        try (HttpServer http = HttpServer.start(
                new HttpServer.Settings("127.0.0.1", 0, Duration.ofSeconds(1), List.of(), null, null),
                router,
                Json.mapper())) {
            HttpResponse<byte[]> r = get(HttpClient.newHttpClient(), http.baseUrl("127.0.0.1") + "/slow");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"done\":true}");
        }
    }

    @Test
    void stopping_letsARequestInFlightFinish() throws Exception {
        Router router = new Router(Json.mapper(), null);
        CountDownLatch started = new CountDownLatch(1);
        router.add("POST", "/work", req -> {
            started.countDown();
            Thread.sleep(400);
            return Response.json(201, Map.of("stored", true));
        });
        HttpServer http = HttpServer.start(
                new HttpServer.Settings("127.0.0.1", 0, Duration.ofSeconds(30), List.of(), null, null),
                router,
                Json.mapper());
        CompletableFuture<HttpResponse<byte[]>> answer = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(http.baseUrl("127.0.0.1") + "/work"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        http.close();
        assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    }

    /** Sends raw bytes and reads the answer until the server closes or stops sending. */
    private static String raw(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder b = new StringBuilder();
            byte[] buf = new byte[8192];
            InputStream in = socket.getInputStream();
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    b.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                    if (b.indexOf("\r\n\r\n") > 0 && b.indexOf("}") > 0) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // the answer so far is all there is
            }
            return b.toString();
        }
    }
}
