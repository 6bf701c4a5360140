package io.nommer.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A load generator's HTTP/1.1 client: one keep-alive connection, the same JSON body posted again and again, the
 * answer's status checked and its body read and dropped. The benchmark's clients share the machine's two cores with
 * the service, and the JDK's {@code HttpClient} costs about as much CPU per request as the service's own handling
 * (JFR), so the clients use this instead, as a benchmark would use {@code wrk}. Not thread-safe: one per client.
 */
final class LoadClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;

    /** @param apiKey sent as {@code Authorization: Bearer}; null to send none */
    LoadClient(URI base, String path, byte[] json, String apiKey) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        byte[] head = String.format(
                        Locale.ROOT,
                        "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                                + "%sContent-Length: %d\r\n\r\n",
                        path,
                        base.getHost(),
                        base.getPort(),
                        apiKey == null ? "" : "Authorization: Bearer " + apiKey + "\r\n",
                        json.length)
                .getBytes(StandardCharsets.US_ASCII);
        request = new byte[head.length + json.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(json, 0, request, head.length, json.length);
    }

    /** Posts the body once and reads the whole answer; fails unless the status is 200 or 201. */
    void post() throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        int contentLength = -1;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                contentLength = Integer.parseInt(h.substring(colon + 1).trim());
            }
        }
        if (contentLength < 0) {
            throw new IOException("answer without Content-Length: " + status);
        }
        byte[] body = in.readNBytes(contentLength);
        if (body.length < contentLength) {
            throw new IOException("connection closed in the middle of an answer: " + status);
        }
        if (!status.startsWith("HTTP/1.1 201") && !status.startsWith("HTTP/1.1 200")) {
            throw new IOException(status + ": " + new String(body, StandardCharsets.UTF_8));
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
