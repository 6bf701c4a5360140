package io.nommer.core.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.profile.AspectMode;
import org.junit.jupiter.api.Test;

class GeometryTest {
    @Test
    void preserve_fitsInsideTheBoxKeepingAspect() {
        Geometry g = Geometry.fit(1920, 1080, 640, 640, AspectMode.PRESERVE, false);
        assertThat(g).extracting(Geometry::outWidth, Geometry::outHeight).containsExactly(640, 360);
        assertThat(g.filter()).isEqualTo("scale=640:360:flags=bicubic,setsar=1");
    }

    @Test
    void preserve_neverUpscalesUnlessAsked() {
        assertThat(Geometry.fit(320, 240, 1280, 720, AspectMode.PRESERVE, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(320, 240);
        assertThat(Geometry.fit(320, 240, 1280, 720, AspectMode.PRESERVE, true))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(960, 720);
    }

    @Test
    void letterbox_padsToExactlyTheBox() {
        Geometry g = Geometry.fit(1920, 1080, 320, 240, AspectMode.LETTERBOX, false);
        assertThat(g)
                .extracting(Geometry::scaleWidth, Geometry::scaleHeight, Geometry::outWidth, Geometry::outHeight)
                .containsExactly(320, 180, 320, 240);
        assertThat(g.filter())
                .isEqualTo("scale=320:180:flags=bicubic,setsar=1,pad=320:240:(ow-iw)/2:(oh-ih)/2:color=black");
    }

    @Test
    void crop_coversTheBoxAndCropsTheOverflow() {
        Geometry g = Geometry.fit(1920, 1080, 320, 240, AspectMode.CROP, false);
        assertThat(g)
                .extracting(Geometry::scaleWidth, Geometry::scaleHeight, Geometry::outWidth, Geometry::outHeight)
                .containsExactly(426, 240, 320, 240);
        assertThat(g.filter()).endsWith(",crop=320:240");
    }

    @Test
    void stretch_ignoresAspect() {
        assertThat(Geometry.fit(1920, 1080, 320, 240, AspectMode.STRETCH, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(320, 240);
    }

    @Test
    void oneSide_derivesTheOtherFromTheSourceAspect() {
        assertThat(Geometry.fit(1920, 1080, 640, null, AspectMode.LETTERBOX, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(640, 360);
    }

    @Test
    void anamorphicSource_isScaledToSquarePixels() {
        // 720x576 PAL with 16:15 sample aspect displays as 768x576.
        assertThat(Geometry.fit(720 * 16.0 / 15, 576, null, null, null, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(768, 576);
    }

    @Test
    void oddResults_areRoundedToEven() {
        assertThat(Geometry.fit(1000, 333, 500, 500, AspectMode.PRESERVE, false))
                .extracting(Geometry::outWidth, Geometry::outHeight)
                .containsExactly(500, 166);
    }

    @Test
    void degenerateSource_isRefused() {
        assertThatThrownBy(() -> Geometry.fit(0, 100, 10, 10, AspectMode.PRESERVE, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
