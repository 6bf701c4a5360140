package io.nommer.server.api;

import io.nommer.server.http.ApiException;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.storage.Storages;

/** {@code POST /v1/uploads}: the raw body becomes a stored source, usable as a job input by its {@code uri}. */
public final class UploadsApi {
    private final Storages storage;
    private final long maxBytes;

    public UploadsApi(Storages storage, long maxBytes) {
        this.storage = storage;
        this.maxBytes = maxBytes;
    }

    /** A stored upload: {@code uri} is usable as a job's input. */
    record UploadView(String id, String uri, long size) {}

    public void register(Router r) {
        r.add("POST", "/v1/uploads", req -> {
            long declared = req.contentLength();
            if (declared > maxBytes) {
                throw new ApiException(413, "upload_too_large", "the upload is " + declared
                        + " bytes; the limit is " + maxBytes + " (setting max_upload_bytes)");
            }
            if (declared == 0) {
                throw new ApiException(400, "empty_upload", "the upload is empty; send the file's bytes as the body");
            }
            var u = storage.storeUpload(req.body(), maxBytes, req.query("filename"));
            return Response.json(201, new UploadView(u.id(), u.uri().toString(), u.size()));
        });
    }
}
