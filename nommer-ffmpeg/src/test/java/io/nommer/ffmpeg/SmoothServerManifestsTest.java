package io.nommer.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.ffmpeg.SmoothServerManifests.Track;
import org.junit.jupiter.api.Test;

class SmoothServerManifestsTest {
    /** Written by ffmpeg 5.1's smoothstreaming muxer for an .ismv of two video tracks and one audio track. */
    private static final String CLIENT = Recorded.text("smooth-client-manifest.xml");

    @Test
    void tracks_areVideoLevelsThenAudio_numberedInIsmvOrder_withTheClientBitrates() {
        assertThat(SmoothServerManifests.tracks(CLIENT))
                .containsExactly(
                        new Track("video", 1, 1300341), new Track("video", 2, 308943), new Track("audio", 3, 92048));
    }

    @Test
    void serverManifest_isASmilSwitchOverTheIsmvTracks() {
        assertThat(SmoothServerManifests.serverManifest(CLIENT, "show.ismv", "show.ismc"))
                .isEqualTo("""
                <?xml version="1.0" encoding="utf-8"?>
                <smil xmlns="http://www.w3.org/2001/SMIL20/Language">
                  <head>
                    <meta name="clientManifestRelativePath" content="show.ismc"/>
                  </head>
                  <body>
                    <switch>
                      <video src="show.ismv" systemBitrate="1300341">
                        <param name="trackID" value="1" valuetype="data"/>
                      </video>
                      <video src="show.ismv" systemBitrate="308943">
                        <param name="trackID" value="2" valuetype="data"/>
                      </video>
                      <audio src="show.ismv" systemBitrate="92048">
                        <param name="trackID" value="3" valuetype="data"/>
                      </audio>
                    </switch>
                  </body>
                </smil>
                """);
    }

    @Test
    void clientManifestWithDoctype_isRefused() {
        assertThatThrownBy(() -> SmoothServerManifests.tracks("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                        + "<SmoothStreamingMedia>&e;</SmoothStreamingMedia>"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
