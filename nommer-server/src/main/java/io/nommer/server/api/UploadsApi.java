package io.nommer.server.api;

import io.nommer.server.http.ApiException;
import io.nommer.server.http.Response;
import io.nommer.server.http.Router;
import io.nommer.storage.Storages;
import io.nommer.storage.local.EmptyUploadException;
import io.nommer.storage.local.UploadTooLargeException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /v1/uploads}: the raw body becomes a stored source, usable as a job input by its {@code uri}. */
public final class UploadsApi {
    private final Storages storage;
    private final long maxBytes;

    public UploadsApi(Storages storage, long maxBytes) {
        this.storage = storage;
        this.maxBytes = maxBytes;
    }

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
            try {
                var u = storage.storeUpload(req.body(), maxBytes, req.query("filename"));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", u.id());
                m.put("uri", u.uri().toString());
                m.put("size", u.size());
                return Response.json(201, m);
            } catch (UploadTooLargeException e) {
                throw new ApiException(413, "upload_too_large", "the upload exceeds the limit of " + maxBytes
                        + " bytes (setting max_upload_bytes)");
            } catch (EmptyUploadException e) {
                throw new ApiException(400, "empty_upload", "the upload is empty; send the file's bytes as the body");
            }
        });
    }
}
