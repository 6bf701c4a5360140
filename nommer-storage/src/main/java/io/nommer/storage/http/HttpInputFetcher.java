package io.nommer.storage.http;

import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.net.HostResolver;
import io.nommer.core.net.NetworkPolicy;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.LocalInput;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads http(s) inputs into the task's working folder, so ffmpeg only ever reads local files.
 *
 * <p>Redirects are followed by this class, not by the HTTP client, so that every hop is checked: scheme, no
 * credentials in the URL, and (unless {@link HttpFetchConfig#allowPrivateNetworks()}) every address the host resolves
 * to must be public ({@link NetworkPolicy}). Downloads are bounded by size (Content-Length up front, and bytes counted
 * while streaming), by a connect timeout, by an idle timeout between reads, by a minimum transfer rate averaged over a
 * window, and by a total deadline.
 *
 * <p>Interrupting the thread in {@link #fetch} stops the download at once: the connection is closed and the partial
 * file deleted. The worker does this when the task is cancelled.
 *
 * <p>The addresses are checked when a connection is opened, by the {@link CheckedAddressResolver} the client connects
 * through: the address connected to is one that was checked (no DNS rebinding between the check and the connection).
 *
 * <p>Query strings may carry signatures: logs and error messages show only scheme, host, port and path.
 */
public final class HttpInputFetcher implements InputFetcher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpInputFetcher.class);
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Pattern EXTENSION = Pattern.compile("\\.([A-Za-z0-9]{1,10})$");
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");

    private final HttpFetchConfig config;
    private final CheckedAddressResolver addresses;
    private final HttpClient client;

    public HttpInputFetcher(HttpFetchConfig config) {
        this(config, HostResolver.SYSTEM, NetworkPolicy::refusalReason);
    }

    /** For tests: which addresses a host has, and which of them are refused, when private networks are not allowed. */
    HttpInputFetcher(HttpFetchConfig config, HostResolver resolver, Function<InetAddress, Optional<String>> policy) {
        this.config = config;
        this.addresses =
                new CheckedAddressResolver(resolver, config.allowPrivateNetworks() ? a -> Optional.empty() : policy);
        this.client = PinnedHttpClient.start("nommer-input", addresses, config.connectTimeout(), "nommer");
    }

    public HttpFetchConfig config() {
        return config;
    }

    /**
     * Checks the URL's form and, for IP literals and {@code localhost}, its address. Host names are not resolved at
     * submission; {@link #fetch} checks them on every hop.
     */
    @Override
    public void checkAcceptable(URI input) {
        checkForm(input);
        if (config.allowPrivateNetworks()) {
            return;
        }
        String host = input.getHost();
        if (host.startsWith("[") || IPV4_LITERAL.matcher(host).matches() || "localhost".equalsIgnoreCase(host)) {
            try {
                addresses.check(host, 0);
            } catch (RefusedAddressException e) {
                throw new IllegalArgumentException(refusal(e));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve the host " + host);
            }
        }
    }

    /**
     * @return the downloaded file in {@code workDir} ({@link LocalInput#temporary()} is true)
     * @throws TaskFailedException {@code input_forbidden} (scheme, credentials, refused address on any hop, HTTP 401/403),
     *     {@code input_not_found} (HTTP 404/410), {@code input_too_large}, {@code input_empty}, or the retryable
     *     {@code input_too_slow} (below {@link HttpFetchConfig#minBytesPerSecond()}) and {@code input_fetch_failed}
     *     (5xx, 408, 429, timeouts, network errors, too many redirects, the thread interrupted)
     */
    @Override
    public LocalInput fetch(URI input, Path workDir) {
        long started = System.nanoTime();
        long deadline = started + config.totalDeadline().toNanos();
        Path target = workDir.resolve(fileName(input));
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new TaskFailedException(ErrorCode.INPUT_FETCH_FAILED, "cannot create " + workDir + ": " + e, null, e);
        }
        URI current = input;
        log.info("downloading {}", redact(input));
        boolean done = false;
        try {
            for (int redirects = 0; ; redirects++) {
                try {
                    checkForm(current);
                } catch (IllegalArgumentException e) {
                    throw new TaskFailedException(ErrorCode.INPUT_FORBIDDEN, e.getMessage());
                }
                // the addresses of each hop are checked as it connects (CheckedAddressResolver)
                Reply response = exchange(current, target, deadline);
                int status = response.status();
                if (REDIRECTS.contains(status)) {
                    if (redirects >= config.maxRedirects()) {
                        throw failed(input, "more than " + config.maxRedirects() + " redirects (maxRedirects)");
                    }
                    URI previous = current;
                    current = redirectTarget(input, current, response);
                    log.debug("{} redirects ({}) to {}", redact(previous), status, redact(current));
                    continue;
                }
                LocalInput result = outcome(input, response, target);
                done = true;
                log.info(
                        "downloaded {} bytes from {} in {} ms",
                        result.size(),
                        redact(input),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return result;
            }
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException e) {
                    log.warn("cannot delete partial download {}: {}", target, e.toString());
                }
            }
        }
    }

    private LocalInput outcome(URI input, Reply response, Path target) {
        int status = response.status();
        String where = redact(input);
        if (status == 200) {
            long length = response.headers().getLongField(HttpHeader.CONTENT_LENGTH);
            if (length > config.maxBytes()) {
                throw tooLarge(input, "declares " + length + " bytes");
            }
            long size = response.body();
            if (size == 0) {
                throw new TaskFailedException(ErrorCode.INPUT_EMPTY, "the input " + where + " is empty (0 bytes)");
            }
            return new LocalInput(target, size, true);
        }
        if (status == 404 || status == 410) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_NOT_FOUND, "the input " + where + " was not found (HTTP " + status + ")");
        }
        if (status == 401 || status == 403) {
            throw new TaskFailedException(
                    ErrorCode.INPUT_FORBIDDEN, "the server refused access to " + where + " (HTTP " + status + ")");
        }
        throw failed(input, "the server answered HTTP " + status);
    }

    /** The status and headers of one hop, and how many body bytes were written to the file (-1: not read). */
    private record Reply(int status, HttpFields headers, long body) {}

    private Reply exchange(URI uri, Path target, long deadline) {
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        Exchange exchange = new Exchange(target, config.maxBytes(), lastActivity);
        Request request = client.newRequest(uri)
                .method(HttpMethod.GET)
                // a backstop only: the loop below notices silence first and says which setting it was
                .idleTimeout(config.readTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        exchange.request = request;
        request.send(exchange);
        CompletableFuture<Reply> future = exchange.result;
        long idleNanos = config.readTimeout().toNanos();
        RateWindow rate = null;
        // why: the loop must wake to judge the rate, also to notice that the body has begun
        long tick = config.minBytesPerSecond() > 0 ? RateWindow.tick(config.rateWindow()) : Long.MAX_VALUE;
        while (true) {
            long now = System.nanoTime();
            long totalLeft = deadline - now;
            long idleLeft = lastActivity.get() + idleNanos - now;
            if (totalLeft <= 0 || idleLeft <= 0) {
                exchange.abort();
                throw totalLeft <= 0
                        ? failed(
                                uri,
                                "the download did not finish within " + human(config.totalDeadline())
                                        + " (totalDeadline)")
                        : failed(uri, "the server sent nothing for " + human(config.readTimeout()) + " (readTimeout)");
            }
            if (exchange.bodyStarted > 0 && config.minBytesPerSecond() > 0) {
                if (rate == null) {
                    rate = new RateWindow(
                            exchange.bodyStarted, config.rateWindow().toNanos());
                }
                if (rate.tooSlow(now, exchange.count, config.minBytesPerSecond())) {
                    exchange.abort();
                    throw tooSlow(uri, rate);
                }
            }
            try {
                return future.get(Math.min(Math.min(totalLeft, idleLeft), tick), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // loop: re-read the activity clock and the rate
            } catch (InterruptedException e) {
                exchange.abort();
                Thread.currentThread().interrupt();
                throw failed(uri, "the download was interrupted");
            } catch (ExecutionException e) {
                if (exchange.tooLarge) {
                    throw tooLarge(uri, "sent more than that");
                }
                Throwable cause = e.getCause();
                RefusedAddressException refused = find(cause, RefusedAddressException.class);
                if (refused != null) {
                    log.warn("refused to download {}: {}", redact(uri), refused.getMessage());
                    throw new TaskFailedException(ErrorCode.INPUT_FORBIDDEN, refusal(refused));
                }
                UnknownHostException unknown = find(cause, UnknownHostException.class);
                if (unknown != null) {
                    throw failed(uri, "cannot resolve the host " + uri.getHost(), cause);
                }
                if (find(cause, TimeoutException.class) != null) {
                    throw failed(
                            uri,
                            "the server did not answer within " + human(config.readTimeout()) + " (readTimeout)",
                            cause);
                }
                throw failed(uri, "the download failed: " + describe(cause), cause);
            }
        }
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String refusal(RefusedAddressException e) {
        return "the input host " + e.host() + " resolves to " + e.reason()
                + ", and this service does not download from private networks (allowPrivateNetworks)";
    }

    private URI redirectTarget(URI input, URI current, Reply response) {
        String location = response.headers().get(HttpHeader.LOCATION);
        if (location == null || location.isBlank()) {
            throw failed(input, "a redirect (HTTP " + response.status() + ") without a Location");
        }
        try {
            String next = current.resolve(location.trim()).toString();
            // why: a fragment is the client's business and must not reach the next request
            int hash = next.indexOf('#');
            return URI.create(hash < 0 ? next : next.substring(0, hash));
        } catch (IllegalArgumentException e) {
            throw failed(input, "a redirect to an invalid URL", e);
        }
    }

    /** @throws IllegalArgumentException naming what is wrong with the URL's form */
    private static void checkForm(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http and https URLs can be downloaded, not '" + scheme + ":'");
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("'" + redact(uri) + "' has no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
            throw new IllegalArgumentException(
                    "input URLs must not carry credentials (user:password@); use a signed URL instead");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + redact(uri) + "' has no valid host name");
        }
    }

    private TaskFailedException tooLarge(URI uri, String detail) {
        return new TaskFailedException(
                ErrorCode.INPUT_TOO_LARGE,
                "the input " + redact(uri) + " " + detail + ", more than the limit of " + config.maxBytes()
                        + " bytes (maxBytes)");
    }

    private TaskFailedException tooSlow(URI uri, RateWindow rate) {
        return new TaskFailedException(
                ErrorCode.INPUT_TOO_SLOW,
                String.format(
                        Locale.ROOT,
                        "downloading %s failed: the server sent %d bytes in the last %.1f s (%d bytes/s), less than"
                                + " the minimum of %d bytes/s averaged over %s (min_input_bytes_per_second,"
                                + " min_input_rate_window_seconds)",
                        redact(uri),
                        rate.bytes,
                        rate.nanos / 1e9,
                        rate.bytesPerSecond(),
                        config.minBytesPerSecond(),
                        human(config.rateWindow())));
    }

    private static TaskFailedException failed(URI uri, String detail) {
        return failed(uri, detail, null);
    }

    private static TaskFailedException failed(URI uri, String detail, Throwable cause) {
        return new TaskFailedException(
                ErrorCode.INPUT_FETCH_FAILED, "downloading " + redact(uri) + " failed: " + detail, null, cause);
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null
                ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** {@code input} plus the URL's extension when it has a plain one: some demuxers are chosen by extension. */
    static String fileName(URI input) {
        String path = input.getPath() == null ? "" : input.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        Matcher m = EXTENSION.matcher(last);
        return m.find() ? "input." + m.group(1).toLowerCase(Locale.ROOT) : "input";
    }

    /** scheme://host[:port]/path: what may be logged or shown; queries can carry signatures. */
    public static String redact(URI uri) {
        if (uri == null) {
            return "";
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            return (uri.getScheme() == null ? "" : uri.getScheme() + ":") + "<url>";
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Stops in-flight downloads and releases the client's threads. */
    @Override
    public void close() {
        PinnedHttpClient.stop(client);
    }

    /**
     * The body's transfer rate over the last window: samples of the byte count, the oldest kept being the newest one
     * at least a window old. Judged only once the body has been arriving for a whole window.
     */
    private static final class RateWindow {
        private final long window;

        private final ArrayDeque<long[]> samples = new ArrayDeque<>();
        /** What the last judgement measured. */
        long bytes;

        long nanos;

        RateWindow(long bodyStarted, long window) {
            this.window = window;
            samples.add(new long[] {bodyStarted, 0});
        }

        /** How often the rate is looked at, in nanoseconds: a tenth of the window, between 50 ms and 1 s. */
        static long tick(Duration window) {
            return Math.clamp(window.toNanos() / 10, TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.SECONDS.toNanos(1));
        }

        boolean tooSlow(long now, long count, long minBytesPerSecond) {
            samples.add(new long[] {now, count});
            while (samples.size() > 2 && now - nth(samples, 1)[0] >= window) {
                samples.removeFirst();
            }
            long[] oldest = samples.getFirst();
            if (now - oldest[0] < window) {
                return false;
            }
            bytes = count - oldest[1];
            nanos = now - oldest[0];
            return bytesPerSecond() < minBytesPerSecond;
        }

        long bytesPerSecond() {
            return nanos == 0 ? 0 : (long) (bytes * 1e9 / nanos);
        }

        private static long[] nth(ArrayDeque<long[]> q, int n) {
            var it = q.iterator();
            for (int i = 0; i < n; i++) {
                it.next();
            }
            return it.next();
        }
    }

    /**
     * One hop's exchange: answers the status and headers at once for anything but a 200 (whose body is not read, and
     * whose connection is closed), and streams a 200's body to the file, counting bytes and stopping at the size cap.
     */
    private static final class Exchange implements Response.Listener {
        final CompletableFuture<Reply> result = new CompletableFuture<>();
        private final Path target;
        private final long maxBytes;
        private final AtomicLong lastActivity;
        Request request;
        private FileChannel channel;
        private boolean aborted;
        /** Set when the body begins (System.nanoTime); read by the fetching thread for the rate. */
        volatile long bodyStarted;
        /** Written by the client's thread (one onContent at a time), read by the fetching thread for the rate. */
        volatile long count;

        volatile boolean tooLarge;

        Exchange(Path target, long maxBytes, AtomicLong lastActivity) {
            this.target = target;
            this.maxBytes = maxBytes;
            this.lastActivity = lastActivity;
        }

        @Override
        public void onHeaders(Response response) {
            lastActivity.set(System.nanoTime());
            long length = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            if (response.getStatus() != 200 || length > maxBytes) {
                result.complete(new Reply(response.getStatus(), response.getHeaders(), -1));
                response.abort(new CancellationException("body not wanted"));
                return;
            }
            // why: headers arriving just as the exchange is abandoned must not open a file nobody deletes
            synchronized (this) {
                if (aborted) {
                    return;
                }
                try {
                    channel = FileChannel.open(
                            target,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                } catch (IOException e) {
                    result.completeExceptionally(e);
                    response.abort(e);
                    return;
                }
            }
            bodyStarted = System.nanoTime();
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            FileChannel c = channel;
            if (c == null || result.isDone()) {
                return;
            }
            try {
                count += content.remaining();
                if (count > maxBytes) {
                    tooLarge = true;
                    IOException e = new IOException("more than " + maxBytes + " bytes");
                    result.completeExceptionally(e);
                    response.abort(e);
                    closeChannel();
                    return;
                }
                while (content.hasRemaining()) {
                    c.write(content);
                }
            } catch (IOException e) {
                result.completeExceptionally(e);
                response.abort(e);
                closeChannel();
                return;
            }
            lastActivity.set(System.nanoTime());
        }

        @Override
        public void onComplete(Result r) {
            closeChannel();
            if (r.isFailed()) {
                result.completeExceptionally(r.getFailure());
            } else {
                result.complete(
                        new Reply(r.getResponse().getStatus(), r.getResponse().getHeaders(), count));
            }
        }

        /** Closes the connection at once; no file is opened after this returns. */
        void abort() {
            synchronized (this) {
                aborted = true;
            }
            result.completeExceptionally(new CancellationException("download aborted"));
            Request r = request;
            if (r != null) {
                r.abort(new CancellationException("download aborted"));
            }
            closeChannel();
        }

        private synchronized void closeChannel() {
            FileChannel c = channel;
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    log.debug("closing {}: {}", target, e.toString());
                }
            }
        }
    }
}
