package io.nommer.core.storage;

import java.util.Locale;
import java.util.Map;

/**
 * The media type of a file nommer stores or serves, by its name's extension: one table for what S3 objects are
 * stored with and what the API answers downloads with.
 */
public final class ContentTypes {
    private static final String UNKNOWN = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("mp4", "video/mp4"),
            Map.entry("m4v", "video/mp4"),
            Map.entry("m4a", "audio/mp4"),
            Map.entry("m4s", "video/iso.segment"),
            Map.entry("ismv", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mkv", "video/x-matroska"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("flv", "video/x-flv"),
            Map.entry("ts", "video/mp2t"),
            Map.entry("m3u8", "application/vnd.apple.mpegurl"),
            Map.entry("mpd", "application/dash+xml"),
            // why: the IANA type of Smooth Streaming's client manifest; the server manifest is a SMIL document
            Map.entry("ismc", "application/vnd.ms-sstr+xml"),
            Map.entry("ism", "application/smil+xml"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("png", "image/png"),
            Map.entry("webp", "image/webp"),
            Map.entry("vtt", "text/vtt"),
            Map.entry("json", "application/json"),
            Map.entry("tar", "application/x-tar"));

    private ContentTypes() {}

    /** The type for {@code fileName}; {@code application/octet-stream} for an unknown or missing extension. */
    public static String of(String fileName) {
        String last = fileName.substring(fileName.lastIndexOf('/') + 1);
        int dot = last.lastIndexOf('.');
        return dot < 0
                ? UNKNOWN
                : BY_EXTENSION.getOrDefault(last.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }
}
