package io.nommer.storage.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.net.HostResolver;
import io.nommer.core.net.NetworkPolicy;
import io.nommer.core.storage.LocalInput;
import io.nommer.core.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpInputFetcherTest {
    private static final byte[] MEDIA = bytes(500);
    private static final HttpFetchConfig PRIVATE_ALLOWED = HttpFetchConfig.defaults()
            .withAllowPrivateNetworks(true)
            .withMaxBytes(1_000)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10));

    @TempDir
    Path work;

    HttpServer server;
    ExecutorService executor;
    String base;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final AtomicInteger totalHits = new AtomicInteger();
    HttpInputFetcher fetcher;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        route("/media.mp4", ex -> send(ex, 200, MEDIA));
        route("/r1", ex -> redirect(ex, 302, "/r2"));
        route("/r2", ex -> redirect(ex, 301, base + "/media.mp4?sig=secret#frag"));
        route("/loop", ex -> redirect(ex, 302, "/loop"));
        route("/to-metadata", ex -> redirect(ex, 302, "http://169.254.169.254/latest/meta-data/"));
        route(
                "/to-loopback",
                ex -> redirect(ex, 307, "http://[::1]:" + server.getAddress().getPort() + "/media.mp4"));
        route("/big-declared", ex -> send(ex, 200, bytes(1_001)));
        route("/exact", ex -> send(ex, 200, bytes(1_000)));
        route("/big-chunked", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(bytes(100));
                    out.flush();
                }
            }
        });
        route("/missing", ex -> send(ex, 404, "no".getBytes()));
        route("/gone", ex -> send(ex, 410, "no".getBytes()));
        route("/denied", ex -> send(ex, 403, "no".getBytes()));
        route("/broken", ex -> send(ex, 500, "oops".getBytes()));
        route("/busy", ex -> send(ex, 429, "later".getBytes()));
        route("/empty", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        route("/trickle", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 400; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        route("/stall", ex -> {
            ex.sendResponseHeaders(200, 1_000);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes(500));
                out.flush();
                Thread.sleep(1_000);
                out.write(bytes(500));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        route("/silent", ex -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, MEDIA);
        });
        server.start();
        fetcher = new HttpInputFetcher(PRIVATE_ALLOWED);
    }

    @AfterEach
    void stop() {
        fetcher.close();
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void fetch_downloadsIntoTheWorkFolder() throws IOException {
        LocalInput input = fetcher.fetch(uri("/media.mp4?token=abc"), work);

        assertThat(input.temporary()).isTrue();
        assertThat(input.size()).isEqualTo(500);
        assertThat(input.file()).isEqualTo(work.resolve("input.mp4"));
        assertThat(Files.readAllBytes(input.file())).isEqualTo(MEDIA);
    }

    @Test
    void fetch_followsARedirectChain() throws IOException {
        LocalInput input = fetcher.fetch(uri("/r1"), work);

        assertThat(Files.readAllBytes(input.file())).isEqualTo(MEDIA);
        assertThat(hits("/r1")).isEqualTo(1);
        assertThat(hits("/r2")).isEqualTo(1);
        assertThat(hits("/media.mp4")).isEqualTo(1);
    }

    @Test
    void fetch_givesUpAfterTooManyRedirects() {
        assertCode(() -> fetcher.fetch(uri("/loop"), work), ErrorCode.INPUT_FETCH_FAILED, "maxRedirects");
        assertThat(hits("/loop")).isEqualTo(HttpFetchConfig.DEFAULT_MAX_REDIRECTS + 1);
    }

    @Test
    void fetch_refusesLoopbackUnlessAllowed() {
        try (HttpInputFetcher strict = new HttpInputFetcher(PRIVATE_ALLOWED.withAllowPrivateNetworks(false))) {
            assertCode(() -> strict.fetch(uri("/media.mp4"), work), ErrorCode.INPUT_FORBIDDEN, "allowPrivateNetworks");
            assertCode(
                    () -> strict.fetch(
                            URI.create("http://localhost:" + server.getAddress().getPort() + "/media.mp4"), work),
                    ErrorCode.INPUT_FORBIDDEN,
                    "loopback");
            assertThatThrownBy(() -> strict.checkAcceptable(uri("/media.mp4")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(totalHits.get()).as("requests that reached the server").isZero();
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void fetch_checksEveryRedirectHop() {
        // the test server itself sits on 127.0.0.1: allow exactly that address, refuse what any other hop leads to
        try (HttpInputFetcher strict = new HttpInputFetcher(
                PRIVATE_ALLOWED.withAllowPrivateNetworks(false),
                HostResolver.SYSTEM,
                a -> a.getHostAddress().equals("127.0.0.1") ? Optional.empty() : NetworkPolicy.refusalReason(a))) {
            assertCode(() -> strict.fetch(uri("/to-metadata"), work), ErrorCode.INPUT_FORBIDDEN, "link-local");
            assertCode(() -> strict.fetch(uri("/to-loopback"), work), ErrorCode.INPUT_FORBIDDEN, "loopback");
            assertThat(strict.fetch(uri("/media.mp4"), work).size()).isEqualTo(500);
        }
        assertThat(hits("/to-metadata")).isEqualTo(1);
        assertThat(hits("/media.mp4")).as("only the direct download").isEqualTo(1);
    }

    @Test
    void fetch_refusesAHostWithAnyRefusedAddress() throws IOException {
        InetAddress[] mixed = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1")};
        try (HttpInputFetcher strict = new HttpInputFetcher(
                PRIVATE_ALLOWED.withAllowPrivateNetworks(false), host -> mixed, NetworkPolicy::refusalReason)) {
            assertCode(
                    () -> strict.fetch(URI.create("http://media.example/a.mp4"), work),
                    ErrorCode.INPUT_FORBIDDEN,
                    "private");
        }
    }

    @Test
    void fetch_connectsOnlyToTheAddressItChecked_soARebindingDnsServerCannotReachLoopback() {
        // a rebinding DNS server: a public address for the first question, the test server's loopback for any later
        AtomicInteger lookups = new AtomicInteger();
        HostResolver rebinding = host -> lookups.getAndIncrement() == 0
                ? new InetAddress[] {InetAddress.getByName("192.0.2.1")}
                : new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        try (HttpInputFetcher strict = new HttpInputFetcher(
                PRIVATE_ALLOWED
                        .withAllowPrivateNetworks(false)
                        .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(5)),
                rebinding,
                NetworkPolicy::refusalReason)) {
            URI input =
                    URI.create("http://rebind.example:" + server.getAddress().getPort() + "/media.mp4");

            assertCode(() -> strict.fetch(input, work), ErrorCode.INPUT_FETCH_FAILED, "rebind.example");
        }
        assertThat(totalHits.get()).as("requests that reached loopback").isZero();
        assertThat(lookups.get()).as("one lookup, checked and connected to").isEqualTo(1);
    }

    @Test
    void fetch_refusesOtherSchemesAndCredentialsInTheUrl() {
        String port = ":" + server.getAddress().getPort();
        for (String bad : new String[] {
            "http://user:pw@127.0.0.1" + port + "/media.mp4",
            "http://user@127.0.0.1" + port + "/media.mp4",
            "ftp://127.0.0.1" + port + "/media.mp4",
            "file:///etc/passwd",
            "http:/media.mp4"
        }) {
            assertCode(() -> fetcher.fetch(URI.create(bad), work), ErrorCode.INPUT_FORBIDDEN, "");
            assertThatThrownBy(() -> fetcher.checkAcceptable(URI.create(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(totalHits.get()).isZero();
    }

    @Test
    void fetch_refusesADeclaredSizePastTheLimit() {
        assertCode(() -> fetcher.fetch(uri("/big-declared"), work), ErrorCode.INPUT_TOO_LARGE, "declares 1001 bytes");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void fetch_stopsAStreamedBodyPastTheLimit() {
        assertCode(() -> fetcher.fetch(uri("/big-chunked"), work), ErrorCode.INPUT_TOO_LARGE, "sent more than that");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void fetch_acceptsABodyOfExactlyTheLimit() {
        assertThat(fetcher.fetch(uri("/exact"), work).size()).isEqualTo(1_000);
    }

    @Test
    void fetch_reportsMissingInputsAsNotFound() {
        assertCode(() -> fetcher.fetch(uri("/missing?X-Amz-Signature=secret"), work), ErrorCode.INPUT_NOT_FOUND, "404");
        assertCode(() -> fetcher.fetch(uri("/gone"), work), ErrorCode.INPUT_NOT_FOUND, "410");
        assertCode(() -> fetcher.fetch(uri("/denied"), work), ErrorCode.INPUT_FORBIDDEN, "403");
    }

    @Test
    void fetch_reportsServerErrorsAsRetryable() {
        assertCode(() -> fetcher.fetch(uri("/broken"), work), ErrorCode.INPUT_FETCH_FAILED, "500");
        assertCode(() -> fetcher.fetch(uri("/busy"), work), ErrorCode.INPUT_FETCH_FAILED, "429");
        assertThat(ErrorCode.INPUT_FETCH_FAILED.retryable()).isTrue();
    }

    @Test
    void fetch_reportsAnEmptyBody() {
        assertCode(() -> fetcher.fetch(uri("/empty"), work), ErrorCode.INPUT_EMPTY, "empty");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void fetch_abandonsATrickleAtTheTotalDeadline() {
        try (HttpInputFetcher f = new HttpInputFetcher(
                PRIVATE_ALLOWED.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(700)))) {
            long start = System.nanoTime();

            assertCode(() -> f.fetch(uri("/trickle"), work), ErrorCode.INPUT_FETCH_FAILED, "totalDeadline");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void fetch_failsATrickleBelowTheMinimumRate_sayingWhatRateItSawAndTheMinimum() {
        try (HttpInputFetcher f = new HttpInputFetcher(PRIVATE_ALLOWED.withMinRate(1_000, Duration.ofSeconds(1)))) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> f.fetch(uri("/trickle"), work))
                    .isInstanceOfSatisfying(
                            TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_TOO_SLOW))
                    .message()
                    .containsPattern("sent \\d+ bytes in the last [0-9.]+ s \\(\\d+ bytes/s\\)")
                    .contains("less than the minimum of 1000 bytes/s");

            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("failed once one window had passed, not at the 10 s deadline")
                    .isLessThan(Duration.ofSeconds(4));
        }
        assertThat(work).as("no partial file left").isEmptyDirectory();
    }

    @Test
    void fetch_letsAShortStallPass_whenTheAverageOverTheWindowIsFastEnough() throws IOException {
        try (HttpInputFetcher f = new HttpInputFetcher(PRIVATE_ALLOWED.withMinRate(100, Duration.ofMillis(1_500)))) {
            LocalInput input = f.fetch(uri("/stall"), work);

            assertThat(input.size()).isEqualTo(1_000);
        }
    }

    @Test
    void interruptingTheFetch_closesTheConnectionAtOnceAndDeletesThePartialFile() throws Exception {
        CountDownLatch hungUp = new CountDownLatch(1);
        route("/endless.mp4", ex -> {
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                while (true) {
                    out.write(bytes(1_000));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                hungUp.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (HttpInputFetcher f = new HttpInputFetcher(PRIVATE_ALLOWED.withMaxBytes(1L << 30))) {
            Thread fetching = Thread.ofPlatform().start(() -> {
                try {
                    f.fetch(uri("/endless.mp4"), work);
                } catch (RuntimeException e) {
                    thrown.set(e);
                }
            });
            Path partial = work.resolve("input.mp4");
            Await.until(
                    "the download to begin",
                    Duration.ofSeconds(5),
                    () -> Files.exists(partial) && Files.size(partial) > 0,
                    begun -> begun);

            fetching.interrupt();

            fetching.join(Duration.ofSeconds(2));
            assertThat(fetching.isAlive()).as("fetch returned").isFalse();
            assertThat(hungUp.await(5, TimeUnit.SECONDS))
                    .as("the server saw the connection closed")
                    .isTrue();
            assertThat(thrown.get()).isInstanceOf(TaskFailedException.class).hasMessageContaining("interrupted");
            assertThat(partial).doesNotExist();
        }
    }

    @Test
    void fetch_abandonsASilentServerAtTheReadTimeout() {
        try (HttpInputFetcher f = new HttpInputFetcher(
                PRIVATE_ALLOWED.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30)))) {
            long start = System.nanoTime();

            assertCode(() -> f.fetch(uri("/silent"), work), ErrorCode.INPUT_FETCH_FAILED, "readTimeout");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void fetch_reportsAnUnreachableServerAsRetryable() throws IOException {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        assertCode(
                () -> fetcher.fetch(URI.create("http://127.0.0.1:" + closedPort + "/a.mp4"), work),
                ErrorCode.INPUT_FETCH_FAILED,
                "");
    }

    @Test
    void errorsAndLogs_neverShowTheQueryString() {
        assertThat(HttpInputFetcher.redact(URI.create("https://cdn.example:8443/a/b.mp4?X-Amz-Signature=abc#x")))
                .isEqualTo("https://cdn.example:8443/a/b.mp4");
        assertThatThrownBy(() -> fetcher.fetch(uri("/missing?X-Amz-Signature=secret"), work))
                .message()
                .doesNotContain("secret")
                .doesNotContain("Signature");
    }

    @Test
    void fileName_keepsAPlainExtensionOnly() {
        assertThat(HttpInputFetcher.fileName(URI.create("http://h/a/b.MOV?x=1")))
                .isEqualTo("input.mov");
        assertThat(HttpInputFetcher.fileName(URI.create("http://h/a/"))).isEqualTo("input");
        assertThat(HttpInputFetcher.fileName(URI.create("http://h/a/b.m%2F..%2Fx")))
                .isEqualTo("input");
    }

    private void route(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                send(ex, 404, new byte[0]);
                return;
            }
            totalHits.incrementAndGet();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            try {
                handler.handle(ex);
            } catch (IOException e) {
                // the client hung up, as it should on refused or oversized bodies
            } finally {
                ex.close();
            }
        });
    }

    private int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private static void redirect(HttpExchange ex, int status, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(status, -1);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void assertCode(Runnable r, ErrorCode code, String messagePart) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(
                        TaskFailedException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(messagePart);
    }

    private static byte[] bytes(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }
}
