package io.nommer.server.medianommer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nommer.core.command.CustomCommand;
import io.nommer.core.profile.Profile;
import io.nommer.core.service.JobRequest;
import io.nommer.core.webhook.NotifyFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** media-nommer's job bodies as nommer jobs: the command each makes, and what is refused with which words. */
class MediaNommerJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** web_medium() as media-nommer's client sends it (the protocol page's example). */
    static final String WEB_MEDIUM = """
            {"notify_url": "http://127.0.0.1:9/hook", "source_path": "file:///srv/media/in.mp4", \
            "dest_path": "file:///srv/media/out/in-web.mp4", "job_options": {"nommer": \
            "media_nommer.ec2nommerd.nommers.ffmpeg.FFmpegNommer", "options": [{"outfile_options": [["vcodec", \
            "libx264"], ["preset", "medium"], ["vprofile", "baseline"], ["b", "400k"], ["bufsize", "400k"], ["vf", \
            "yadif,scale='640:trunc(ow/a/2)*2'"], ["pass", "1"], ["f", "mp4"], ["keyint_min", "60"], ["g", "120"], \
            ["an", null]]}, {"move_atom_to_front": true, "outfile_options": [["vcodec", "libx264"], ["preset", \
            "medium"], ["vprofile", "baseline"], ["b", "400k"], ["bufsize", "400k"], ["vf", \
            "yadif,scale='640:trunc(ow/a/2)*2'"], ["pass", "2"], ["acodec", "libfaac"], ["ab", "128k"], ["async", \
            "480"], ["keyint_min", "60"], ["g", "120"], ["f", "mp4"]]}]}}""";

    private static JobRequest translate(String body) throws Exception {
        return MediaNommerJob.translate(JSON.readTree(body));
    }

    private static String refusal(String body) {
        try {
            translate(body);
        } catch (MediaNommerJob.Refusal e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void webMedium_becomesTwoCommandLines_firstToTheNullMuxer_secondWithFaststartAndAac() throws Exception {
        JobRequest job = translate(WEB_MEDIUM);
        assertThat(job.input()).isEqualTo("file:///srv/media/in.mp4");
        assertThat(job.notifyUrl()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(job.notifyFormat()).isEqualTo(NotifyFormat.MEDIA_NOMMER);
        JobRequest.OutputRequest out = job.outputs().get(0);
        assertThat(out.name()).isEqualTo("in-web");
        assertThat(out.destination()).isEqualTo("file:///srv/media/out/");
        Profile p = out.commandProfile();
        assertThat(p.get(Profile.EXTNAME)).isEqualTo(".mp4");
        List<List<String>> lines =
                CustomCommand.parse(p.get(Profile.COMMAND), Map.of()).lines();
        String common = "-y -i $input_file$ -vcodec libx264 -preset medium -vprofile baseline -b 400k -bufsize 400k"
                + " -vf yadif,scale='640:trunc(ow/a/2)*2'";
        assertThat(lines.stream().map(l -> String.join(" ", l)))
                .containsExactly(
                        common + " -pass 1 -keyint_min 60 -g 120 -an -f null /dev/null",
                        common + " -pass 2 -acodec aac -ab 128k -async 480 -keyint_min 60 -g 120 -f mp4"
                                + " -movflags +faststart $output_file$");
        assertThat(job.notes()).anyMatch(n -> n.contains("libfaac runs as -acodec aac"));
    }

    @Test
    void onePass_writesTheOutput_andValuesAreWrittenAsFfmpegArguments() throws Exception {
        JobRequest job = translate("""
                {"source_path": "https://media.example.com/in.mp4", "dest_path": "s3://bucket/videos/out.mp4",
                 "notify_url": null, "job_options": {"nommer": "media_nommer.ec2nommerd.nommers.ffmpeg.FFmpegNommer",
                 "options": [{"infile_options": [["ss", "0.5"]], "outfile_options": [["threads", 0],
                 ["vcodec", "libx264"], ["crf", 23.5], ["an", ""], ["f", "mp4"]]}]}}""");
        assertThat(job.input()).isEqualTo("https://media.example.com/in.mp4");
        assertThat(job.notifyUrl()).isNull();
        assertThat(job.outputs().get(0).destination()).isEqualTo("s3://bucket/videos/");
        assertThat(job.outputs().get(0).name()).isEqualTo("out");
        assertThat(CustomCommand.parse(job.outputs().get(0).commandProfile().get(Profile.COMMAND), Map.of())
                        .lines())
                .containsExactly(List.of(
                        "-y",
                        "-ss",
                        "0.5",
                        "-i",
                        "$input_file$",
                        "-threads",
                        "0",
                        "-vcodec",
                        "libx264",
                        "-crf",
                        "23.5",
                        "-an",
                        "-f",
                        "mp4",
                        "$output_file$"));
    }

    @Test
    void missingFields_areRefusedInFeederdsWords() {
        assertThat(refusal("{\"dest_path\": \"file:///o/a.mp4\", \"job_options\": {}}"))
                .isEqualTo("Missing/invalid required key+val: ['source_path']");
        assertThat(refusal("{\"source_path\": \"file:///i.mp4\", \"dest_path\": \"\", \"job_options\": {\"a\": 1}}"))
                .isEqualTo("Missing/invalid required key+val: ['dest_path']");
        assertThat(refusal("{\"source_path\": \"file:///i.mp4\", \"dest_path\": \"file:///o/a.mp4\"}"))
                .isEqualTo("Missing/invalid required key+val: ['job_options']");
        assertThat(refusal("{\"source_path\": \"file:///i.mp4\", \"dest_path\": \"file:///o/a.mp4\", \"job_options\":"
                        + " {\"nommer\": \"x\"}}"))
                .isEqualTo("Missing/invalid required key+val: ['job_options'][options]");
        assertThat(refusal("{\"source_path\": \"file:///i.mp4\", \"dest_path\": \"file:///o/a.mp4\", \"job_options\":"
                        + " {\"options\": [{}]}}"))
                .isEqualTo("Missing/invalid required key+val: ['job_options'][nommer]");
    }

    @Test
    void credentialsInS3Uris_areRefusedWithoutRepeatingThem() {
        String message = refusal(
                WEB_MEDIUM.replace("file:///srv/media/in.mp4", "s3://AKIDEXAMPLE:wJalr/XUtnFEMI@bucket/in.mp4"));
        assertThat(message).startsWith("source_path carries credentials").contains("s3_access_key");
        assertThat(message).doesNotContain("AKIDEXAMPLE").doesNotContain("wJalr");
        assertThat(refusal(WEB_MEDIUM.replace(
                        "file:///srv/media/out/in-web.mp4", "s3://AKIDEXAMPLE:secret@bucket/out.mp4")))
                .startsWith("dest_path carries credentials")
                .doesNotContain("secret@");
    }

    @Test
    void whatCannotBeRun_isRefusedSayingWhy() {
        assertThat(refusal(WEB_MEDIUM.replace("ffmpeg.FFmpegNommer", "ffmpeg.OtherNommer")))
                .startsWith("unknown nommer");
        assertThat(refusal(WEB_MEDIUM.replace("file:///srv/media/out/in-web.mp4", "http://example.com/out.mp4")))
                .contains("http(s) destinations are not supported");
        assertThat(refusal(WEB_MEDIUM.replace("in-web.mp4", "In Web.mp4"))).contains("cannot be made exactly");
        assertThat(refusal(WEB_MEDIUM.replace("in-web.mp4", "in-web"))).contains("cannot be made exactly");
        assertThat(refusal(WEB_MEDIUM.replace("[\"g\", \"120\"], [\"an\", null]", "[\"g\", true]")))
                .contains("must be a string, a number or null");
        assertThat(refusal(WEB_MEDIUM.replace("\"400k\"], [\"bufsize\"", "\"$output_file$\"], [\"bufsize\"")))
                .contains("contains '$'");
        assertThat(refusal(WEB_MEDIUM.replace("\"move_atom_to_front\": true", "\"move_atom_to_front\": 1")))
                .contains("move_atom_to_front must be true or false");
        assertThat(refusal(WEB_MEDIUM.replace("\"move_atom_to_front\": true", "\"bogus\": 1")))
                .contains("has 'bogus'");
        assertThatThrownBy(() -> translate(WEB_MEDIUM.replace("file:///srv", "ftp://host/srv")))
                .hasMessageContaining("scheme 'ftp' is not supported");
    }

    @Test
    void quote_keepsEachArgumentOneWord() {
        assertThat(MediaNommerJob.quote("yadif,scale='640:trunc(ow/a/2)*2'"))
                .isEqualTo("'yadif,scale='\\''640:trunc(ow/a/2)*2'\\'''");
        assertThat(MediaNommerJob.quote("400k")).isEqualTo("400k");
        assertThat(MediaNommerJob.quote("a b")).isEqualTo("'a b'");
    }
}
