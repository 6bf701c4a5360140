package io.nommer.core.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HLS master playlist waiting for its numbers: the variants and the audio rendition are known when the profile is
 * compiled, their bit rates only once the segments exist. Written by nommer rather than by ffmpeg's hls muxer, which
 * always lists the audio rendition as a variant of its own and declares nominal rates.
 *
 * @param audioPlaylist the audio rendition's media playlist, shared by every variant; null without audio
 * @param audioOnlyVariant whether the audio rendition is also offered as a variant of its own
 */
public record HlsMaster(List<Variant> variants, String audioPlaylist, boolean audioOnlyVariant) {

    /** The RFC 6381 codec of the audio rendition (AAC-LC, the only audio codec streaming outputs take). */
    public static final String AUDIO_CODEC = "mp4a.40.2";

    /** One video variant: its media playlist, picture and video codec. */
    public record Variant(String playlist, int width, int height, double fps, String videoCodec) {}

    public HlsMaster {
        variants = List.copyOf(variants);
        if (audioOnlyVariant && audioPlaylist == null) {
            throw new IllegalArgumentException("an audio-only variant needs an audio rendition");
        }
    }

    /** Every media playlist the master refers to, the ones {@link #render} needs rates for. */
    public List<String> mediaPlaylists() {
        List<String> names = new ArrayList<>();
        variants.forEach(v -> names.add(v.playlist()));
        if (audioPlaylist != null) {
            names.add(audioPlaylist);
        }
        return names;
    }

    /**
     * The playlist, with each variant's BANDWIDTH the sum of its video's and the audio's peak segment bit rates (the
     * largest any playable combination reaches, as RFC 8216 asks) and AVERAGE-BANDWIDTH the sum of their averages.
     *
     * @param rates measured rates by media playlist name, for every name of {@link #mediaPlaylists}
     */
    public String render(Map<String, StreamRates> rates) {
        StreamRates audio = audioPlaylist == null ? null : measured(rates, audioPlaylist);
        StringBuilder m = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (audio != null) {
            m.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio\",DEFAULT=YES,AUTOSELECT=YES,URI=\"")
                    .append(audioPlaylist)
                    .append("\"\n");
        }
        for (Variant v : variants) {
            StreamRates r = measured(rates, v.playlist());
            if (audio != null) {
                r = r.plus(audio);
            }
            m.append(String.format(
                    Locale.ROOT,
                    "#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,FRAME-RATE=%.3f,CODECS=\"%s\"",
                    r.peak(),
                    r.average(),
                    v.width(),
                    v.height(),
                    v.fps(),
                    v.videoCodec() + (audio != null ? "," + AUDIO_CODEC : "")));
            m.append(audio != null ? ",AUDIO=\"audio\"\n" : "\n")
                    .append(v.playlist())
                    .append('\n');
        }
        if (audioOnlyVariant) {
            m.append(String.format(
                    Locale.ROOT,
                    "#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,CODECS=\"%s\",AUDIO=\"audio\"\n",
                    audio.peak(),
                    audio.average(),
                    AUDIO_CODEC));
            m.append(audioPlaylist).append('\n');
        }
        return m.toString();
    }

    private static StreamRates measured(Map<String, StreamRates> rates, String playlist) {
        StreamRates r = rates.get(playlist);
        if (r == null) {
            throw new IllegalArgumentException("no rates measured for " + playlist);
        }
        return r;
    }
}
