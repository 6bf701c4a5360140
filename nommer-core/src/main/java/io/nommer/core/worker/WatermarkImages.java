package io.nommer.core.worker;

import io.nommer.core.encode.Watermark;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.MediaProber;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.storage.LocalInput;
import java.net.URI;
import java.util.Set;

/**
 * Turns a fetched {@code watermark_url} into a {@link Watermark}, or fails the task with a {@code watermark_*} code
 * whose message names the watermark, before anything is encoded. The file is fetched like the input (same fetcher,
 * same network rules and limits); this class only says what its failures mean and checks what arrived.
 */
final class WatermarkImages {
    /** The demuxers of the images a watermark may be: PNG (with alpha) and JPEG. */
    static final Set<String> DEMUXERS = Set.of("png_pipe", "jpeg_pipe");

    private WatermarkImages() {}

    /**
     * The failure of fetching the watermark, as a watermark failure: the input codes mapped to their watermark
     * counterparts, and the storage's own failures ({@code storage_unavailable}, {@code worker_disk_full}) kept, since
     * they are not the watermark's fault.
     */
    static TaskFailedException fetchFailed(URI uri, TaskFailedException e) {
        ErrorCode code = switch (e.code()) {
            case INPUT_NOT_FOUND -> ErrorCode.WATERMARK_NOT_FOUND;
            case INPUT_FORBIDDEN -> ErrorCode.WATERMARK_FORBIDDEN;
            case INPUT_TOO_LARGE -> ErrorCode.WATERMARK_TOO_LARGE;
            case INPUT_EMPTY -> ErrorCode.WATERMARK_NOT_IMAGE;
            case INPUT_FETCH_FAILED, INPUT_TOO_SLOW -> ErrorCode.WATERMARK_FETCH_FAILED;
            default -> e.code();
        };
        return new TaskFailedException(code, named(uri) + " cannot be fetched: " + e.getMessage(), null, e);
    }

    /**
     * Checks the fetched file's size, then probes it: a single PNG or JPEG picture within {@link Watermark#MAX_SIDE}.
     *
     * @throws TaskFailedException {@code watermark_too_large} or {@code watermark_not_image}
     */
    static Watermark check(URI uri, LocalInput file, MediaProber prober) {
        if (file.size() > Watermark.MAX_BYTES) {
            throw new TaskFailedException(
                    ErrorCode.WATERMARK_TOO_LARGE,
                    named(uri) + " has " + file.size() + " bytes, more than the limit of " + Watermark.MAX_BYTES
                            + " (10 MiB)");
        }
        MediaInfo info;
        try {
            info = prober.probe(file.file());
        } catch (TaskFailedException e) {
            if (e.code() == ErrorCode.NOT_MEDIA || e.code() == ErrorCode.INPUT_EMPTY) {
                throw notImage(uri, e.getMessage(), e);
            }
            throw e;
        }
        StreamInfo picture = info.video()
                .filter(v -> v.width() != null && v.height() != null && v.width() > 0 && v.height() > 0)
                .orElse(null);
        if (!DEMUXERS.contains(info.demuxer()) || picture == null) {
            throw notImage(uri, "it was read as '" + info.formatName() + "'", null);
        }
        if (picture.width() > Watermark.MAX_SIDE || picture.height() > Watermark.MAX_SIDE) {
            throw new TaskFailedException(
                    ErrorCode.WATERMARK_TOO_LARGE,
                    named(uri) + " is " + picture.width() + "x" + picture.height() + " pixels, more than the limit of "
                            + Watermark.MAX_SIDE + "x" + Watermark.MAX_SIDE);
        }
        return new Watermark(file.file(), info.demuxer(), picture.width(), picture.height());
    }

    private static TaskFailedException notImage(URI uri, String why, Throwable cause) {
        return new TaskFailedException(
                ErrorCode.WATERMARK_NOT_IMAGE, named(uri) + " is not a PNG or JPEG image: " + why, null, cause);
    }

    /** Names the watermark without a URL's query or user information, which may hold credentials. */
    private static String named(URI uri) {
        String shown = uri.getHost() == null
                ? uri.toString()
                : uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                        + (uri.getRawPath() == null ? "" : uri.getRawPath());
        return "the watermark (watermark_url " + shown + ")";
    }
}
