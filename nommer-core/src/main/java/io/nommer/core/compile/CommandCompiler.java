package io.nommer.core.compile;

import static io.nommer.core.profile.Profile.AUDIO_BITRATE;
import static io.nommer.core.profile.Profile.AUDIO_CHANNELS;
import static io.nommer.core.profile.Profile.AUDIO_SAMPLE_RATE;
import static io.nommer.core.profile.Profile.COMMAND;
import static io.nommer.core.profile.Profile.EXTNAME;
import static io.nommer.core.profile.Profile.FPS;
import static io.nommer.core.profile.Profile.HEIGHT;
import static io.nommer.core.profile.Profile.KIND;
import static io.nommer.core.profile.Profile.VIDEO_BITRATE;
import static io.nommer.core.profile.Profile.WIDTH;

import io.nommer.core.command.CommandRefusal;
import io.nommer.core.command.CustomCommand;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.profile.OutputKind;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileField;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A profile's own {@link Profile#COMMAND} as an {@link EncodePlan}: its lines, checked against the allowlist again
 * with the job's values, each run in the output directory with nommer's common options in front (progress, CPU time,
 * no prompts). The input is read as nommer reads it (its probed demuxer, files only); what the lines make for each
 * other (a file a later line reads, pass logs) goes to the scratch directory; every other file the lines leave in the
 * output directory is published with the output, {@code $output_file$} last (it is the playlist or manifest naming
 * the rest).
 */
public final class CommandCompiler {
    /** The job id a stored profile's command is checked with before any job exists. */
    static final String EXAMPLE_RECORD_ID = "job_01example";

    private CommandCompiler() {}

    /**
     * Checks a profile's command with its own values, as when it is stored.
     *
     * @throws CommandRefusal naming the line and token the allowlist refuses
     */
    public static CustomCommand check(Profile p) {
        return parse(p, EXAMPLE_RECORD_ID);
    }

    /**
     * The plan that runs {@code p}'s command for job {@code jobId}.
     *
     * @throws CommandRefusal when the command breaks the allowlist as it stands now, with the job's values
     */
    public static EncodePlan compile(
            Profile p, MediaInfo info, Path input, Path outDir, String baseName, String jobId) {
        CustomCommand command = parse(p, jobId);
        Path scratch = ProfileCompiler.scratchDir(outDir);
        Path out = outDir.resolve(baseName + p.get(EXTNAME));
        String filters = command.usesFilters()
                ? VideoChain.of(p, ProfileCompiler.requireVideo(info)).filter()
                : null;
        List<String> reading = new ArrayList<>(List.of("-protocol_whitelist", "file", "-f", info.demuxer()));
        reading.addAll(List.of("-i", "file:" + input));
        List<List<String>> lines = command.render(new CustomCommand.Layout(reading, out.toString(), filters, scratch));
        List<FfmpegCommand> commands = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            List<String> args = ProfileCompiler.common();
            args.addAll(lines.get(i));
            commands.add(new FfmpegCommand(
                    lines.size() == 1
                            ? "command"
                            : String.format(Locale.ROOT, "command line %d of %d", i + 1, lines.size()),
                    args));
        }
        String mainRole = mainRole(p, out.getFileName().toString());
        return new EncodePlan(
                commands,
                List.of(new PlannedFile(out, mainRole)),
                ProfileCompiler.mediaSeconds(p, info),
                scratch,
                List.of(new PlanStep.MakeDirectory(scratch)),
                List.of(),
                List.of(FileSet.others(outDir, Set.of(out.getFileName().toString()))));
    }

    private static CustomCommand parse(Profile p, String jobId) {
        Map<String, String> values = new LinkedHashMap<>();
        value(values, "width", p, WIDTH);
        value(values, "height", p, HEIGHT);
        value(values, "video_bitrate", p, VIDEO_BITRATE);
        value(values, "audio_bitrate", p, AUDIO_BITRATE);
        value(values, "fps", p, FPS);
        value(values, "audio_sample_rate", p, AUDIO_SAMPLE_RATE);
        value(values, "audio_channels", p, AUDIO_CHANNELS);
        values.put("record_id", jobId);
        return CustomCommand.parse(p.get(COMMAND), values);
    }

    private static void value(Map<String, String> values, String token, Profile p, ProfileField<?> field) {
        if (p.has(field)) {
            values.put(token, p.get(field).toString());
        }
    }

    /** The role of {@code $output_file$}: a playlist or manifest by its name, else what the profile's kind says. */
    private static String mainRole(Profile p, String name) {
        String role = FileSet.roleByName(name);
        if (role.equals(PlannedFile.VARIANT_PLAYLIST)) {
            return PlannedFile.MASTER_PLAYLIST;
        }
        if (!role.equals(PlannedFile.MEDIA)) {
            return role;
        }
        return p.get(KIND) == OutputKind.AUDIO ? "audio" : "video";
    }
}
