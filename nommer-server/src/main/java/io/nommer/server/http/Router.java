package io.nommer.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.auth.Principal;
import io.nommer.core.service.BadRequestException;
import io.nommer.core.service.ConflictException;
import io.nommer.core.service.ForbiddenException;
import io.nommer.core.service.GoneException;
import io.nommer.core.service.NotFoundException;
import io.nommer.core.service.ServiceException;
import io.nommer.core.service.TooLargeException;
import io.nommer.core.service.TooManyRequestsException;
import io.nommer.core.service.UnauthorizedException;
import io.nommer.core.storage.StorageUnavailableException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.content.ResourceHttpContent;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests by method and path template ({@code /v1/jobs/{id}}, matched by Jetty's {@link UriTemplatePathSpec})
 * and is the one place where failures become HTTP problems ({@code application/problem+json} with a stable
 * {@code code}). Runs every request on its own virtual thread (a blocking handler; see {@link HttpServer}).
 */
public final class Router extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** A request handler. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /** Who may call a route. */
    public enum Access {
        /** Anyone; an API key, when sent and valid, still says who the caller is. */
        PUBLIC,
        /** Any valid API key; the handler keeps each tenant to its own data. */
        TENANT,
        /** Admin keys only: the farm's own settings and machines. */
        ADMIN
    }

    /** Says who a request acts as, from its {@code Authorization} header, or refuses it (401, 403). */
    @FunctionalInterface
    public interface Authenticator {
        /**
         * @param authorization the header's value, or null
         * @return the principal; null only for a {@link Access#PUBLIC} route called without a valid key
         * @throws ApiException 401 {@code unauthorized} or 403 {@code forbidden}
         */
        Principal authenticate(String authorization, Access access);
    }

    private record Route(String method, String template, UriTemplatePathSpec spec, Access access, Handler handler) {}

    /** Told of every request answered, by its route's template ({@code unmatched} when no route matched). */
    @FunctionalInterface
    public interface Observer {
        void answered(String method, String route, int status, long nanos);
    }

    /** The request attribute that holds the matched route's template. */
    private static final String ROUTE = Router.class.getName() + ".route";

    private volatile Observer observer = (method, route, status, nanos) -> {};

    private final List<Route> routes = new ArrayList<>();
    private final ObjectMapper mapper;
    private final String publicUrl;
    private volatile Authenticator authenticator = (header, access) -> Principal.LOCAL;
    private final ResourceService files = new ResourceService();
    private volatile ResourceFactory resources;
    /** Class-path resources, each mounted once (a jar is opened when its first resource is). */
    private final Map<URI, Resource> mounted = new ConcurrentHashMap<>();

    /**
     * @param publicUrl what links name as the API's address (the {@code public_url} setting); null: the address of
     *     the connection each request came in on
     */
    public Router(ObjectMapper mapper, String publicUrl) {
        this.mapper = mapper;
        this.publicUrl = publicUrl;
        files.setEtags(true);
        files.setAcceptRanges(true);
        files.setDirAllowed(false);
        addBean(files);
    }

    /** Adds a route any API key may call ({@link Access#TENANT}). */
    public Router add(String method, String template, Handler handler) {
        return add(method, template, Access.TENANT, handler);
    }

    public Router add(String method, String template, Access access, Handler handler) {
        routes.add(new Route(method, template, new UriTemplatePathSpec(template), access, handler));
        return this;
    }

    /** How requests are authenticated; by default every request is {@link Principal#LOCAL} (authentication off). */
    public Router authenticator(Authenticator authenticator) {
        this.authenticator = authenticator;
        return this;
    }

    /** Who is told of every request answered (metrics); by default no one. */
    public Router observer(Observer observer) {
        this.observer = observer;
        return this;
    }

    /** Every route's access, by {@code METHOD template}. */
    public Map<String, Access> access() {
        Map<String, Access> access = new LinkedHashMap<>();
        routes.forEach(r -> access.put(r.method + " " + r.template, r.access));
        return access;
    }

    /** Every route as {@code METHOD template}, for checking the OpenAPI document covers the API. */
    public List<String> routes() {
        return routes.stream().map(r -> r.method + " " + r.template).toList();
    }

    @Override
    public boolean handle(
            org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback) {
        long started = System.nanoTime();
        Response answer;
        try {
            answer = dispatch(request);
        } catch (ApiException e) {
            answer = challenged(problem(e.status(), e.code(), e.getMessage(), e.field()), e.status());
        } catch (TooManyRequestsException e) {
            // why: a quota that frees up with time says when (RFC 9110 Retry-After, whole seconds, rounded up)
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            answer = problem(429, e.code(), e.getMessage(), e.field()).header("Retry-After", Long.toString(seconds));
        } catch (ServiceException e) {
            answer = challenged(problem(status(e), e.code(), e.getMessage(), e.field()), status(e));
        } catch (StorageUnavailableException e) {
            // why: the request is fine; the service cannot serve it until an operator fixes its storage, so a 503 that
            // says which bucket and why, and a warning without a stack trace for the operator
            log.warn("{} {}: {}", request.getMethod(), request.getHttpURI().getPath(), e.getMessage());
            answer = problem(503, "storage_unavailable", e.getMessage(), null);
        } catch (Exception e) {
            log.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            answer = problem(500, "internal_error", "the server failed to handle this request; see its log", null);
        }
        try {
            send(request, response, callback, answer);
        } catch (Throwable t) {
            callback.failed(t);
        } finally {
            answer.closeQuietly();
        }
        Object route = request.getAttribute(ROUTE);
        observer.answered(
                request.getMethod(),
                route == null ? "unmatched" : (String) route,
                answer.status,
                System.nanoTime() - started);
        return true;
    }

    private Response dispatch(org.eclipse.jetty.server.Request request) throws Exception {
        String path = request.getHttpURI().getCanonicalPath();
        String method = request.getMethod();
        boolean pathMatched = false;
        for (Route r : routes) {
            Map<String, String> raw = r.spec.getPathParams(path);
            if (raw == null) {
                continue;
            }
            pathMatched = true;
            if (!r.method.equals(method) && !("HEAD".equals(method) && "GET".equals(r.method))) {
                continue;
            }
            request.setAttribute(ROUTE, r.template);
            Principal principal =
                    authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION), r.access);
            Map<String, String> params = new LinkedHashMap<>();
            raw.forEach((name, value) -> params.put(name, URIUtil.decodePath(value)));
            return r.handler.handle(new Request(request, params, mapper, publicUrl, principal));
        }
        String shown = URIUtil.decodePath(path);
        if (pathMatched) {
            throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + shown);
        }
        throw new ApiException(404, "not_found", "no such endpoint: " + shown);
    }

    /** A 401 says how to authenticate (RFC 6750): with a bearer token. */
    private static Response challenged(Response problem, int status) {
        return status == 401 ? problem.header("WWW-Authenticate", "Bearer realm=\"nommer\"") : problem;
    }

    /** An RFC 9457 problem document with nommer's stable {@code code} and, when one is at fault, the field. */
    record Problem(String type, String title, int status, String code, String detail, String field) {}

    static Response problem(int status, String code, String detail, String field) {
        return Response.json(
                        status,
                        new Problem(
                                "https://nommer.io/problems/" + code, titleFor(status), status, code, detail, field))
                .header("Content-Type", "application/problem+json");
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
        if (e instanceof TooLargeException) {
            return 413;
        }
        if (e instanceof BadRequestException) {
            return 400;
        }
        if (e instanceof GoneException) {
            return 410;
        }
        return 422;
    }

    static String titleFor(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    private Resource resource(URI uri) {
        ResourceFactory factory = ResourceFactory.of(this);
        return "jar".equals(uri.getScheme())
                ? mounted.computeIfAbsent(uri, factory::newResource)
                : factory.newResource(uri);
    }

    private void send(
            org.eclipse.jetty.server.Request request,
            org.eclipse.jetty.server.Response response,
            Callback callback,
            Response r)
            throws Exception {
        boolean head = "HEAD".equals(request.getMethod());
        response.setStatus(r.status);
        r.headers.forEach((k, v) -> response.getHeaders().put(k, v));
        if (r.file != null) {
            // why: Jetty's resource service answers ranges, ETags and conditional requests exactly as the RFCs say
            files.doGet(
                    request,
                    response,
                    callback,
                    new ResourceHttpContent(resource(r.file), r.headers.get("Content-Type")));
            return;
        }
        if (r.status == 204) {
            callback.succeeded();
            return;
        }
        if (r.stream != null) {
            long length = r.stream.length();
            if (length >= 0) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
            }
            if (!head) {
                try (InputStream in = r.stream.in();
                        OutputStream out = Content.Sink.asOutputStream(response)) {
                    in.transferTo(out);
                }
            }
            callback.succeeded();
            return;
        }
        byte[] body;
        if (r.json != null) {
            if (!response.getHeaders().contains(HttpHeader.CONTENT_TYPE)) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            }
            body = mapper.writeValueAsBytes(r.json);
        } else {
            body = r.bytes == null ? new byte[0] : r.bytes;
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (head || body.length == 0 || HttpStatus.hasNoBody(r.status)) {
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}
