package io.nommer.core.encode;

import java.nio.file.Path;

/**
 * A file an encode plan will produce.
 *
 * @param role what the file is to the user: {@code video}, {@code audio} or {@code thumbnail}; for adaptive
 *     streaming {@code master_playlist} (HLS), {@code variant_playlist} (HLS, one per rendition and one for audio),
 *     {@code segment} (HLS .ts and DASH media segments), {@code media} (DASH initialization segments, the Smooth
 *     Streaming .ismv), {@code manifest} (DASH .mpd, Smooth Streaming .ism and .ismc) or {@code archive} (the .tar
 *     holding all of them); {@code other} for a file of an encoder plug-in's own kind (a transcript, a report),
 *     published as it is and neither probed nor described further
 */
public record PlannedFile(Path path, String role) {
    public static final String MASTER_PLAYLIST = "master_playlist";
    public static final String VARIANT_PLAYLIST = "variant_playlist";
    public static final String SEGMENT = "segment";
    public static final String MEDIA = "media";
    public static final String MANIFEST = "manifest";
    public static final String ARCHIVE = "archive";
    /** A file of a plug-in's own kind, neither media nor a manifest nommer knows. */
    public static final String OTHER = "other";
    /** One rendition of a ladder spread over workers, kept in the service's storage until it is packaged. */
    public static final String INTERMEDIATE = "intermediate";
}
