package io.nommer.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.nommer.core.service.ConflictException;
import io.nommer.core.service.ForbiddenException;
import io.nommer.core.service.NotFoundException;
import io.nommer.core.service.ServiceException;
import io.nommer.core.service.UnauthorizedException;
import io.nommer.storage.local.EmptyUploadException;
import io.nommer.storage.local.UploadTooLargeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests by method and path template ({@code /v1/jobs/{id}}) and is the one place where failures become HTTP
 * problems ({@code application/problem+json} with a stable {@code code}).
 */
public final class Router implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");

    /** A request handler. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    private record Route(String method, String template, Pattern pattern, List<String> params, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final ObjectMapper mapper;

    public Router(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Router add(String method, String template, Handler handler) {
        List<String> params = new ArrayList<>();
        Matcher m = PARAM.matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            params.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        routes.add(new Route(method, template, Pattern.compile(regex.toString()), params, handler));
        return this;
    }

    /** Every route as {@code METHOD template}, for checking the OpenAPI document covers the API. */
    public List<String> routes() {
        return routes.stream().map(r -> r.method + " " + r.template).toList();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            response = dispatch(exchange);
        } catch (ApiException e) {
            response = problem(e.status(), e.code(), e.getMessage(), e.field());
        } catch (ServiceException e) {
            response = problem(status(e), e.code(), e.getMessage(), e.field());
        } catch (UploadTooLargeException e) {
            response = problem(413, "upload_too_large", "the upload exceeds the limit of " + e.maxBytes()
                    + " bytes (setting max_upload_bytes)", null);
        } catch (EmptyUploadException e) {
            response = problem(400, "empty_upload", "the upload is empty; send the file's bytes as the body", null);
        } catch (Exception e) {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            response = problem(500, "internal_error", "the server failed to handle this request; see its log", null);
        }
        send(exchange, response);
    }

    private Response dispatch(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        boolean pathMatched = false;
        for (Route r : routes) {
            Matcher m = r.pattern.matcher(path);
            if (!m.matches()) {
                continue;
            }
            pathMatched = true;
            if (!r.method.equals(method) && !("HEAD".equals(method) && "GET".equals(r.method))) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < r.params.size(); i++) {
                params.put(r.params.get(i), m.group(i + 1));
            }
            return r.handler.handle(new Request(exchange, params, mapper));
        }
        if (pathMatched) {
            throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + path);
        }
        throw new ApiException(404, "not_found", "no such endpoint: " + path);
    }

    /** An RFC 9457 problem document with nommer's stable {@code code} and, when one is at fault, the field. */
    record Problem(String type, String title, int status, String code, String detail, String field) {}

    private static Response problem(int status, String code, String detail, String field) {
        return Response.json(status, new Problem("https://nommer.io/problems/" + code, titleFor(status), status, code,
                detail, field)).header("Content-Type", "application/problem+json");
    }

    /** The HTTP status of each kind of refusal. */
    private static int status(ServiceException e) {
        if (e instanceof NotFoundException) {
            return 404;
        }
        if (e instanceof ConflictException) {
            return 409;
        }
        if (e instanceof UnauthorizedException) {
            return 401;
        }
        if (e instanceof ForbiddenException) {
            return 403;
        }
        return 422;
    }

    private static String titleFor(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    private void send(HttpExchange exchange, Response r) throws IOException {
        try (exchange) {
            // why: no explicit drain of an unread body; the JDK server drains a little and closes the connection
            // otherwise, so a refused oversized upload is not read to its end.
            r.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            if (r.status == 204) {
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            byte[] body;
            if (r.json != null) {
                exchange.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
                body = mapper.writeValueAsBytes(r.json);
            } else if (r.bytes != null) {
                body = r.bytes;
            } else if (r.stream != null) {
                try (var in = r.stream.in()) {
                    long length = r.stream.length();
                    if (head) {
                        if (length >= 0) {
                            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                        }
                        exchange.sendResponseHeaders(r.status, -1);
                        return;
                    }
                    exchange.sendResponseHeaders(r.status, length < 0 ? 0 : length);
                    in.transferTo(exchange.getResponseBody());
                }
                return;
            } else {
                body = new byte[0];
            }
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(r.status, -1);
            } else {
                exchange.sendResponseHeaders(r.status, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            }
        } finally {
            r.closeQuietly();
        }
    }
}
