package io.nommer.core.profile;

import static io.nommer.core.profile.Profile.ASPECT_MODE;
import static io.nommer.core.profile.Profile.AUDIO_BITRATE;
import static io.nommer.core.profile.Profile.AUDIO_CHANNELS;
import static io.nommer.core.profile.Profile.AUDIO_CODEC;
import static io.nommer.core.profile.Profile.AUDIO_SAMPLE_RATE;
import static io.nommer.core.profile.Profile.CODEC_OPTIONS;
import static io.nommer.core.profile.Profile.DISPLAY_ASPECT_RATIO;
import static io.nommer.core.profile.Profile.EXTNAME;
import static io.nommer.core.profile.Profile.FASTSTART;
import static io.nommer.core.profile.Profile.FIELD_ORDER;
import static io.nommer.core.profile.Profile.FORMAT;
import static io.nommer.core.profile.Profile.FPS;
import static io.nommer.core.profile.Profile.FRAME_COUNT;
import static io.nommer.core.profile.Profile.H264_CRF;
import static io.nommer.core.profile.Profile.H264_LEVEL;
import static io.nommer.core.profile.Profile.H264_PRESET;
import static io.nommer.core.profile.Profile.H264_PROFILE;
import static io.nommer.core.profile.Profile.HEIGHT;
import static io.nommer.core.profile.Profile.INTERLACED;
import static io.nommer.core.profile.Profile.KEYFRAME_INTERVAL;
import static io.nommer.core.profile.Profile.KIND;
import static io.nommer.core.profile.Profile.RENDITIONS;
import static io.nommer.core.profile.Profile.SEGMENT_TIME;
import static io.nommer.core.profile.Profile.UPSCALE;
import static io.nommer.core.profile.Profile.VIDEO_BITRATE;
import static io.nommer.core.profile.Profile.VIDEO_CODEC;
import static io.nommer.core.profile.Profile.VP9_CRF;
import static io.nommer.core.profile.Profile.VP9_SPEED;
import static io.nommer.core.profile.Profile.WIDTH;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
        ALL.put(
                "flv-320x240",
                video("flv", ".flv", "flv", "libmp3lame")
                        .set(WIDTH, 320)
                        .set(HEIGHT, 240)
                        .set(ASPECT_MODE, AspectMode.LETTERBOX)
                        .set(VIDEO_BITRATE, 200)
                        .set(FPS, new FrameRate(25, 1))
                        .set(AUDIO_BITRATE, 56)
                        .set(AUDIO_SAMPLE_RATE, 44100)
                        .build());
        // seeds/002: -acodec aac -ab 128kb -vcodec mpeg4 -b 1200kb -mbd 2 -flags +4mv -cmp 2 -subcmp 2 -s 320x180 -r 25
        ALL.put(
                "mp4-mpeg4-320x180",
                video("mp4", ".mp4", "mpeg4", "aac")
                        .set(WIDTH, 320)
                        .set(HEIGHT, 180)
                        .set(ASPECT_MODE, AspectMode.LETTERBOX)
                        .set(VIDEO_BITRATE, 1200)
                        .set(FPS, new FrameRate(25, 1))
                        .set(AUDIO_BITRATE, 128)
                        // why: ffmpeg 5.1 spells the seed's "+4mv" as "mv4"; the options are bound to the video stream
                        // so that -flags does not reach the aac encoder.
                        .set(CODEC_OPTIONS, List.of("-mbd:v", "2", "-flags:v", "+mv4", "-cmp:v", "2", "-subcmp:v", "2"))
                        .build());
        ALL.put(
                "mp4-h264",
                video("mp4", ".mp4", "libx264", "aac")
                        .set(WIDTH, 1280)
                        .set(HEIGHT, 720)
                        .set(ASPECT_MODE, AspectMode.PRESERVE)
                        .set(H264_CRF, 23)
                        .set(H264_PROFILE, "main")
                        .set(H264_LEVEL, "3.1")
                        .set(H264_PRESET, "veryfast")
                        .set(KEYFRAME_INTERVAL, 250)
                        .set(AUDIO_BITRATE, 128)
                        .set(AUDIO_SAMPLE_RATE, 48000)
                        .set(AUDIO_CHANNELS, 2)
                        .set(FASTSTART, true)
                        .build());
        ALL.put(
                "mp4-h264-hi",
                video("mp4", ".mp4", "libx264", "aac")
                        .set(WIDTH, 1920)
                        .set(HEIGHT, 1080)
                        .set(ASPECT_MODE, AspectMode.PRESERVE)
                        .set(H264_CRF, 20)
                        .set(H264_PROFILE, "high")
                        .set(H264_LEVEL, "4.1")
                        .set(H264_PRESET, "medium")
                        .set(KEYFRAME_INTERVAL, 250)
                        .set(AUDIO_BITRATE, 192)
                        .set(AUDIO_SAMPLE_RATE, 48000)
                        .set(AUDIO_CHANNELS, 2)
                        .set(FASTSTART, true)
                        .build());
        // why: libvpx-vp9's defaults (speed 0-1, single-threaded rows) take many minutes per minute of video on a
        // 2-core machine; speed 5 with row-mt is about real time at 720p while keeping VP9's size advantage.
        ALL.put(
                "webm-vp9",
                video("webm", ".webm", "libvpx-vp9", "libopus")
                        .set(WIDTH, 1280)
                        .set(HEIGHT, 720)
                        .set(ASPECT_MODE, AspectMode.PRESERVE)
                        .set(VP9_CRF, 33)
                        .set(VP9_SPEED, 5)
                        .set(KEYFRAME_INTERVAL, 240)
                        .set(AUDIO_BITRATE, 128)
                        .set(AUDIO_SAMPLE_RATE, 48000)
                        .set(AUDIO_CHANNELS, 2)
                        .build());
        // Standard-definition television (seeds/003: what Panda's broadcast customers delivered): interlaced, with the
        // standard's anamorphic pixels; 4:3 by default, "display_aspect_ratio": "16:9" for widescreen. MPEG-2 keeps
        // to Main Profile at Main Level (at most 15 Mbit/s, a 1835008-bit buffer) with two B-frames and half-second
        // GOPs, as broadcast chains expect; audio is AC-3 for NTSC (ATSC) and MPEG-1 Layer II for PAL (DVB).
        ALL.put("ntsc-sd-mpeg2", sdMpeg2(ntsc(video("mpegts", ".ts", "mpeg2video", "ac3")), 15));
        ALL.put("pal-sd-mpeg2", sdMpeg2(pal(video("mpegts", ".ts", "mpeg2video", "mp2")), 12));
        ALL.put("ntsc-sd-h264", sdH264(ntsc(video("mpegts", ".ts", "libx264", "aac")), 30));
        ALL.put("pal-sd-h264", sdH264(pal(video("mpegts", ".ts", "libx264", "aac")), 25));
        // DV (IEC 61834): 25 Mbit/s intra-frame video, bottom field first, 16-bit PCM audio
        ALL.put(
                "ntsc-dv",
                ntsc(video("dv", ".dv", "dvvideo", "pcm_s16le"))
                        .set(FIELD_ORDER, "bff")
                        .build());
        ALL.put(
                "pal-dv",
                pal(video("dv", ".dv", "dvvideo", "pcm_s16le"))
                        .set(FIELD_ORDER, "bff")
                        .build());
        // Adaptive streaming (seeds/003): ladders of 2400k, 600k, 300k and 120k by default, or v, v/2, v/4, v/8 when
        // video_bitrate is v; segments of segment_time seconds, keyframe-aligned across renditions. Sizes follow the
        // bitrates (see compile/Ladder); width and height only cap the top rung.
        ALL.put("hls", streaming("hls", ".m3u8", 1).build());
        ALL.put("hls-ladder", streaming("hls", ".m3u8", 4).build());
        ALL.put("dash-ladder", streaming("dash", ".tar", 4).build());
        ALL.put("hss-ladder", streaming("ismv", ".tar", 4).build());
        ALL.put(
                "mp3",
                Profile.builder()
                        .set(KIND, OutputKind.AUDIO)
                        .set(FORMAT, "mp3")
                        .set(EXTNAME, ".mp3")
                        .set(AUDIO_CODEC, "libmp3lame")
                        .set(AUDIO_BITRATE, 192)
                        .set(AUDIO_SAMPLE_RATE, 44100)
                        .build());
        ALL.put(
                "m4a-aac",
                Profile.builder()
                        .set(KIND, OutputKind.AUDIO)
                        .set(FORMAT, "ipod")
                        .set(EXTNAME, ".m4a")
                        .set(AUDIO_CODEC, "aac")
                        .set(AUDIO_BITRATE, 128)
                        .set(AUDIO_SAMPLE_RATE, 48000)
                        .set(FASTSTART, true)
                        .build());
        ALL.put(
                "thumbnails",
                Profile.builder()
                        .set(KIND, OutputKind.THUMBNAILS)
                        .set(FORMAT, "image2")
                        .set(EXTNAME, ".jpg")
                        .set(VIDEO_CODEC, "mjpeg")
                        .set(WIDTH, 640)
                        .set(HEIGHT, 360)
                        .set(ASPECT_MODE, AspectMode.PRESERVE)
                        .set(FRAME_COUNT, 7)
                        .build());
    }

    private Presets() {}

    private static Profile.Builder video(String format, String ext, String vcodec, String acodec) {
        return Profile.builder()
                .set(KIND, OutputKind.VIDEO)
                .set(FORMAT, format)
                .set(EXTNAME, ext)
                .set(VIDEO_CODEC, vcodec)
                .set(AUDIO_CODEC, acodec);
    }

    private static Profile.Builder streaming(String format, String ext, int renditions) {
        // why: veryfast keeps a four-rung 1080p ladder near real time on two cores; "high" is what every HLS/DASH
        // player of the last decade decodes.
        return video(format, ext, "libx264", "aac")
                .set(RENDITIONS, renditions)
                .set(SEGMENT_TIME, 6.0)
                .set(H264_PROFILE, "high")
                .set(H264_PRESET, "veryfast")
                .set(AUDIO_BITRATE, 128)
                .set(AUDIO_SAMPLE_RATE, 48000)
                .set(AUDIO_CHANNELS, 2);
    }

    private static Profile.Builder ntsc(Profile.Builder b) {
        return television(b).set(HEIGHT, 480).set(FPS, new FrameRate(30000, 1001));
    }

    private static Profile.Builder pal(Profile.Builder b) {
        return television(b).set(HEIGHT, 576).set(FPS, new FrameRate(25, 1));
    }

    /** MPEG-2 Main Profile at Main Level: at most 15 Mbit/s through a 1835008-bit buffer; two B-frames. */
    private static Profile sdMpeg2(Profile.Builder tv, int gop) {
        return tv.set(VIDEO_BITRATE, 6000)
                .set(KEYFRAME_INTERVAL, gop)
                .set(AUDIO_BITRATE, 192)
                .set(CODEC_OPTIONS, List.of("-maxrate:v", "9000k", "-bufsize:v", "1835k", "-bf:v", "2"))
                .build();
    }

    /** H.264 Main at level 3.0 (SD's level) with a capped bit rate. */
    private static Profile sdH264(Profile.Builder tv, int gop) {
        return tv.set(VIDEO_BITRATE, 2500)
                .set(H264_PROFILE, "main")
                .set(H264_LEVEL, "3.0")
                .set(H264_PRESET, "fast")
                .set(KEYFRAME_INTERVAL, gop)
                .set(AUDIO_BITRATE, 192)
                .set(CODEC_OPTIONS, List.of("-maxrate:v", "4000k", "-bufsize:v", "4000k"))
                .build();
    }

    /**
     * 720 pixels wide, interlaced, shown at 4:3, the source letterboxed into it (and scaled up if smaller: a
     * television picture fills its frame); 48 kHz stereo.
     */
    private static Profile.Builder television(Profile.Builder b) {
        return b.set(WIDTH, 720)
                .set(ASPECT_MODE, AspectMode.LETTERBOX)
                .set(UPSCALE, true)
                .set(DISPLAY_ASPECT_RATIO, new DisplayAspect(4, 3))
                .set(INTERLACED, true)
                .set(FIELD_ORDER, "tff")
                .set(AUDIO_SAMPLE_RATE, 48000)
                .set(AUDIO_CHANNELS, 2);
    }

    /** Every preset by name, in a stable order. */
    public static Map<String, Profile> all() {
        return Collections.unmodifiableMap(ALL);
    }

    public static Optional<Profile> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }
}
