package io.nommer.server.api;

import io.nommer.core.service.UploadService;
import io.nommer.core.storage.Upload;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;

/**
 * {@code POST /v1/uploads}: the raw body becomes a stored source, usable as a job input by its {@code uri};
 * {@code DELETE /v1/uploads/{id}} deletes it once no queued or running job uses it.
 */
public final class UploadsApi {
    private final UploadService uploads;

    public UploadsApi(UploadService uploads) {
        this.uploads = uploads;
    }

    /** A stored upload: {@code uri} is usable as a job's input. */
    record UploadView(String id, String uri, long size) {}

    public void register(Router r) {
        r.add("POST", "/v1/uploads", req -> {
            Upload u = uploads.store(req.body(), req.contentLength(), req.query("filename"), req.principal());
            return Response.json(201, new UploadView(u.id(), u.uri().toString(), u.size()));
        });
        r.add("DELETE", "/v1/uploads/{id}", req -> {
            uploads.delete(req.path("id"), req.principal());
            return Response.noContent();
        });
    }
}
