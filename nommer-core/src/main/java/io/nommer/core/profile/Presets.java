package io.nommer.core.profile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in presets: profiles shipped with the product. Settings that come from the seed documents are kept
 * exactly (flv 320x240 at 25 fps, 200 kbit/s video, 56 kbit/s audio at 44.1 kHz; the mpeg4 mp4 command with its
 * {@code -mbd 2 -flags +4mv -cmp 2 -subcmp 2} tuning, in today's spelling).
 */
public final class Presets {
    private static final Map<String, Profile> ALL = new LinkedHashMap<>();

    static {
        // seeds/002: ffmpeg -i src -y -b 200000 -r 25 -s 320x240 -ab 56 -ar 44100 -f flv out.flv
        ALL.put("flv-320x240", video("flv", ".flv", "flv", "libmp3lame")
                .set("width", 320).set("height", 240).set("aspect_mode", "letterbox")
                .set("video_bitrate", 200).set("fps", 25).set("audio_bitrate", 56).set("audio_sample_rate", 44100)
                .build());
        // seeds/002: -acodec aac -ab 128kb -vcodec mpeg4 -b 1200kb -mbd 2 -flags +4mv -cmp 2 -subcmp 2 -s 320x180 -r 25
        ALL.put("mp4-mpeg4-320x180", video("mp4", ".mp4", "mpeg4", "aac")
                .set("width", 320).set("height", 180).set("aspect_mode", "letterbox")
                .set("video_bitrate", 1200).set("fps", 25).set("audio_bitrate", 128)
                // why: ffmpeg 5.1 spells the seed's "+4mv" as "mv4"; the options are bound to the video stream so
                // that -flags does not reach the aac encoder.
                .codecOptions("-mbd:v", "2", "-flags:v", "+mv4", "-cmp:v", "2", "-subcmp:v", "2")
                .build());
        ALL.put("mp4-h264", video("mp4", ".mp4", "libx264", "aac")
                .set("width", 1280).set("height", 720).set("aspect_mode", "preserve")
                .set("h264_crf", 23).set("h264_profile", "main").set("h264_level", "3.1").set("h264_preset", "veryfast")
                .set("keyframe_interval", 250).set("audio_bitrate", 128).set("audio_sample_rate", 48000)
                .set("audio_channels", 2).set("faststart", true)
                .build());
        ALL.put("mp4-h264-hi", video("mp4", ".mp4", "libx264", "aac")
                .set("width", 1920).set("height", 1080).set("aspect_mode", "preserve")
                .set("h264_crf", 20).set("h264_profile", "high").set("h264_level", "4.1").set("h264_preset", "medium")
                .set("keyframe_interval", 250).set("audio_bitrate", 192).set("audio_sample_rate", 48000)
                .set("audio_channels", 2).set("faststart", true)
                .build());
        // why: libvpx-vp9's defaults (speed 0-1, single-threaded rows) take many minutes per minute of video on a
        // 2-core machine; speed 5 with row-mt is about real time at 720p while keeping VP9's size advantage.
        ALL.put("webm-vp9", video("webm", ".webm", "libvpx-vp9", "libopus")
                .set("width", 1280).set("height", 720).set("aspect_mode", "preserve")
                .set("vp9_crf", 33).set("vp9_speed", 5).set("keyframe_interval", 240)
                .set("audio_bitrate", 128).set("audio_sample_rate", 48000).set("audio_channels", 2)
                .build());
        // Adaptive streaming (seeds/003): ladders of 2400k, 600k, 300k and 120k by default, or v, v/2, v/4, v/8 when
        // video_bitrate is v; segments of segment_time seconds, keyframe-aligned across renditions. Sizes follow the
        // bitrates (see encode/Ladder); width and height only cap the top rung.
        ALL.put("hls", streaming("hls", ".m3u8", 1).build());
        ALL.put("hls-ladder", streaming("hls", ".m3u8", 4).build());
        ALL.put("dash-ladder", streaming("dash", ".tar", 4).build());
        ALL.put("hss-ladder", streaming("ismv", ".tar", 4).build());
        ALL.put("mp3", new Profile.Builder().set("kind", "audio").set("format", "mp3").set("extname", ".mp3")
                .set("audio_codec", "libmp3lame").set("audio_bitrate", 192).set("audio_sample_rate", 44100)
                .build());
        ALL.put("m4a-aac", new Profile.Builder().set("kind", "audio").set("format", "ipod").set("extname", ".m4a")
                .set("audio_codec", "aac").set("audio_bitrate", 128).set("audio_sample_rate", 48000)
                .set("faststart", true)
                .build());
        ALL.put("thumbnails", new Profile.Builder().set("kind", "thumbnails").set("format", "image2")
                .set("extname", ".jpg").set("video_codec", "mjpeg").set("width", 640).set("height", 360)
                .set("aspect_mode", "preserve").set("frame_count", 7)
                .build());
    }

    private Presets() {}

    private static Profile.Builder video(String format, String ext, String vcodec, String acodec) {
        return new Profile.Builder().set("kind", "video").set("format", format).set("extname", ext)
                .set("video_codec", vcodec).set("audio_codec", acodec);
    }

    private static Profile.Builder streaming(String format, String ext, int renditions) {
        // why: veryfast keeps a four-rung 1080p ladder near real time on two cores; "high" is what every HLS/DASH
        // player of the last decade decodes.
        return video(format, ext, "libx264", "aac")
                .set("renditions", renditions).set("segment_time", 6)
                .set("h264_profile", "high").set("h264_preset", "veryfast")
                .set("audio_bitrate", 128).set("audio_sample_rate", 48000).set("audio_channels", 2);
    }

    /** Every preset by name, in a stable order. */
    public static Map<String, Profile> all() {
        return java.util.Collections.unmodifiableMap(ALL);
    }

    public static Optional<Profile> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }
}
