package io.nommer.core.compile;

import static io.nommer.core.profile.Profile.FPS;
import static io.nommer.core.profile.Profile.FRAME_RATE_CONVERSION;
import static io.nommer.core.profile.Profile.INTERLACED;

import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.FrameRate;
import io.nommer.core.profile.FrameRateConversion;
import io.nommer.core.profile.Profile;
import java.util.ArrayList;
import java.util.List;

/**
 * The video filters of a single-file output, in two parts so that a picture laid over the frame (a watermark) can go
 * between them: {@code picture} makes the frame (deinterlacing, scaling, padding or cropping) and {@code timing}
 * makes the output's frames in time (frame-rate conversion, then fields when the output is interlaced).
 *
 * <p>Scan, from source to output:
 *
 * <ul>
 *   <li>interlaced to progressive: deinterlaced ({@code bwdif}) at the source's frame rate; frames not flagged
 *       interlaced pass untouched.
 *   <li>interlaced to interlaced at the same frame rate and height: the fields are kept (scaled field by field when
 *       only the width changes) and re-ordered ({@code fieldorder}) when the output's order differs.
 *   <li>otherwise to interlaced: an interlaced source is first deinterlaced to one frame per field. When the frames
 *       come at least as often as the output's fields (50p to 25i, 59.94p or 1080i to 29.97i), or a
 *       {@code frame_rate_conversion} is asked for, they are brought to the field rate and each field is taken from
 *       its own frame ({@code interlace}, with its vertical low-pass against twitter): motion stays as smooth as
 *       the source's. Film (23.976p) into 29.97i gets 3:2 pull-down ({@code telecine}). Any other progressive
 *       source has both fields of a frame from the same instant, as a camera in progressive-segmented-frame mode
 *       would make them.
 * </ul>
 *
 * @param picture filters from the decoded source to the output's frame; never empty
 * @param timing filters from there to the frames handed to the encoder; may be empty
 */
record VideoChain(String picture, String timing) {
    /** Deinterlaces frames flagged interlaced into one frame each, at the source's frame rate; others pass. */
    static final String DEINTERLACE = "bwdif=mode=send_frame:parity=auto:deint=interlaced";

    private static final FrameRate FILM = new FrameRate(24000, 1001);
    private static final FrameRate NTSC = new FrameRate(30000, 1001);

    /** The whole chain, as {@code -vf} takes it. */
    String filter() {
        return timing.isEmpty() ? picture : picture + "," + timing;
    }

    static VideoChain of(Profile p, StreamInfo v) {
        Geometry g = ProfileCompiler.geometry(p, v);
        FrameRateConversion conversion = p.get(FRAME_RATE_CONVERSION, FrameRateConversion.DUPLICATE);
        if (!p.get(INTERLACED, false)) {
            String deinterlace = v.interlaced() ? DEINTERLACE + "," : "";
            // after scaling: interpolating the output's pixels costs less than the source's (-r then changes nothing)
            String timing = conversion == FrameRateConversion.DUPLICATE ? "" : p.frameRateFilter();
            return new VideoChain(deinterlace + g.filter(), timing);
        }
        FrameRate fps = p.get(FPS);
        String order = p.topFieldFirst() ? "tff" : "bff";
        if (keepsFields(p, v, g)) {
            String reorder = v.topFieldFirst() == p.topFieldFirst() ? "" : "fieldorder=" + order;
            return new VideoChain(g.filter(true), reorder);
        }
        List<String> timing = new ArrayList<>();
        double sourceRate = v.fps() == null ? 0 : v.fps() * (v.interlaced() ? 2 : 1);
        FrameRate fieldRate = new FrameRate(fps.num() * 2, fps.den());
        if (v.interlaced() || conversion != FrameRateConversion.DUPLICATE || sourceRate >= 0.98 * fieldRate.value()) {
            timing.add(conversion.filter(fieldRate));
            timing.add("interlace=scan=" + order + ":lowpass=complex");
        } else if (NTSC.equals(fps) && v.fps() != null && Math.abs(v.fps() - FILM.value()) < 0.01) {
            timing.add("telecine=first_field=" + (p.topFieldFirst() ? "top" : "bottom") + ":pattern=23");
        } else {
            timing.add("setfield=" + order);
        }
        String deinterlace = v.interlaced() ? "bwdif=mode=send_field:parity=auto:deint=all," : "";
        return new VideoChain(deinterlace + g.filter(), String.join(",", timing));
    }

    /**
     * Whether an interlaced source's fields can go to the output as they are: same frame rate, same height, and no
     * padding or cropping that would move lines between fields.
     */
    private static boolean keepsFields(Profile p, StreamInfo v, Geometry g) {
        if (!v.interlaced() || v.fps() == null || v.height() == null) {
            return false;
        }
        boolean sameRate = Math.abs(p.get(FPS).value() - v.fps()) < 0.001;
        boolean sameHeight = g.scaleHeight() == v.height() && g.outHeight() == v.height();
        return sameRate && sameHeight;
    }
}
