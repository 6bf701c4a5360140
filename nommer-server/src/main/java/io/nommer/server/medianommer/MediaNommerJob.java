package io.nommer.server.medianommer;

import com.fasterxml.jackson.databind.JsonNode;
import io.nommer.core.profile.OutputKind;
import io.nommer.core.profile.Profile;
import io.nommer.core.service.JobRequest;
import io.nommer.core.webhook.NotifyFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A media-nommer job ({@code source_path}, {@code dest_path}, {@code job_options}, {@code notify_url}) as an
 * ordinary nommer job: one output whose profile is a custom command built from the FFmpegNommer's passes, one command
 * line per pass. Everything a custom command gets applies to it: the allowlist when the job is submitted and again
 * when the worker runs it, the sandbox, the queue's retries, the job's timeline. See {@code media-nommer-protocol.md}
 * and the README, "media-nommer compatibility".
 *
 * <p>A refusal is a {@link Refusal} whose message says why, in media-nommer's words where feederd had any.
 */
final class MediaNommerJob {
    /** The only nommer media-nommer ever had, which every one of its presets names. */
    static final String FFMPEG_NOMMER = "media_nommer.ec2nommerd.nommers.ffmpeg.FFmpegNommer";

    /** What the translated output's preset is called: the label jobs from {@code /job/submit} show. */
    static final String PRESET = "media-nommer";

    private static final Set<String> PASS_KEYS = Set.of("infile_options", "outfile_options", "move_atom_to_front");
    private static final Set<String> AUDIO_CODEC_OPTIONS = Set.of("acodec", "c:a", "codec:a");
    private static final Pattern OPTION_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_:+-]{0,63}");
    /** Arguments a shell would take as one word as they are; anything else is single-quoted. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./:,=+%-]+");
    /** nommer's output names, and its extnames (JobValidator, Profile): the file published is name + extname. */
    private static final Pattern OUTPUT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private static final Pattern EXTNAME = Pattern.compile("\\.[a-z0-9]{1,8}");

    /** A job media-nommer's client sent that nommer will not run, and why. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }

    private MediaNommerJob() {}

    /**
     * The nommer job for a submit request's body.
     *
     * @throws Refusal naming what is missing or not accepted
     */
    static JobRequest translate(JsonNode body) {
        for (String key : List.of("source_path", "dest_path", "job_options")) {
            JsonNode v = body.get(key);
            if (missing(v)) {
                // feederd's own words, so that an application matching on them keeps working
                throw new Refusal("Missing/invalid required key+val: ['" + key + "']");
            }
        }
        JsonNode options = body.get("job_options");
        if (!options.isObject()) {
            throw new Refusal(
                    "job_options must be an object: {\"nommer\": \"" + FFMPEG_NOMMER + "\", \"options\": [passes]}");
        }
        for (String key : List.of("options", "nommer")) {
            JsonNode v = options.get(key);
            if (missing(v)) {
                throw new Refusal("Missing/invalid required key+val: ['job_options'][" + key + "]");
            }
        }
        if (!options.get("nommer").isTextual()
                || !options.get("nommer").textValue().equals(FFMPEG_NOMMER)) {
            throw new Refusal(
                    "unknown nommer " + options.get("nommer") + ": this service runs " + FFMPEG_NOMMER + " only");
        }
        String source = source(text(body, "source_path"));
        Destination dest = destination(text(body, "dest_path"));
        List<String> notes = new ArrayList<>();
        String command = command(options.get("options"), notes);
        String notifyUrl = notifyUrl(body.get("notify_url"));
        Profile profile = Profile.EMPTY
                .with(Profile.COMMAND, command)
                .with(Profile.EXTNAME, dest.extname())
                .with(Profile.KIND, OutputKind.VIDEO);
        notes.add(0, "media-nommer job (POST /job/submit): FFmpegNommer's passes run as this output's command");
        return new JobRequest(
                source,
                List.of(new JobRequest.OutputRequest(dest.name(), PRESET, dest.folder(), null, profile)),
                null,
                null,
                notifyUrl,
                null,
                null,
                null,
                NotifyFormat.MEDIA_NOMMER,
                notes);
    }

    /** What feederd took as missing: absent, null, or empty. */
    private static boolean missing(JsonNode v) {
        return v == null
                || v.isNull()
                || v.isTextual() && v.textValue().isEmpty()
                || v.isContainerNode() && v.isEmpty();
    }

    private static String text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (!v.isTextual()) {
            throw new Refusal(key + " must be a string (a URI)");
        }
        return v.textValue();
    }

    private static String notifyUrl(JsonNode v) {
        if (v == null || v.isNull() || v.isTextual() && v.textValue().isEmpty()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Refusal("notify_url must be a string (a URL) or null");
        }
        return v.textValue();
    }

    /**
     * The passes as command lines: {@code ffmpeg -y <infile_options> -i $input_file$ <outfile_options> <target>}.
     * With two passes, the first writes {@code -f null /dev/null} (it only makes the two-pass log, which nommer keeps
     * in the task's scratch directory) and the second the output.
     */
    private static String command(JsonNode passes, List<String> notes) {
        if (!passes.isArray()) {
            throw new Refusal("job_options.options must be a list of one or two passes");
        }
        if (passes.size() > 2) {
            // why: FFmpegNommer never ran a third pass; refusing says so rather than silently dropping it
            throw new Refusal("job_options.options has " + passes.size() + " passes; FFmpegNommer runs one or two");
        }
        Set<String> mapped = new LinkedHashSet<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < passes.size(); i++) {
            String where = "job_options.options[" + i + "]";
            JsonNode pass = passes.get(i);
            if (!pass.isObject()) {
                throw new Refusal(where + " must be an object with outfile_options");
            }
            for (Iterator<String> keys = pass.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!PASS_KEYS.contains(key)) {
                    throw new Refusal(where + " has '" + key + "'; a pass has infile_options, outfile_options and"
                            + " move_atom_to_front");
                }
            }
            JsonNode atom = pass.get("move_atom_to_front");
            if (atom != null && !atom.isNull() && !atom.isBoolean()) {
                throw new Refusal(where + ".move_atom_to_front must be true or false");
            }
            boolean last = i == passes.size() - 1;
            List<String> args = new ArrayList<>(List.of("ffmpeg", "-y"));
            args.addAll(options(pass.get("infile_options"), where + ".infile_options", false, mapped));
            args.addAll(List.of("-i", "$input_file$"));
            List<String> out = options(pass.get("outfile_options"), where + ".outfile_options", !last, mapped);
            if (last && atom != null && atom.booleanValue()) {
                faststart(out);
            }
            args.addAll(out);
            if (last) {
                args.add("$output_file$");
            } else {
                // why: the pass's own -f (mp4 in every preset) is dropped above: this output is thrown away, and
                // the allowlist lets /dev/null be written only as a null muxer's output
                args.addAll(List.of("-f", "null", "/dev/null"));
            }
            lines.add(String.join(" ", args.stream().map(MediaNommerJob::quote).toList()));
        }
        mapped.forEach(notes::add);
        return String.join("\n", lines);
    }

    /**
     * One pass's option pairs as arguments, in order: {@code [name, value]} is {@code -name value}, a null or empty
     * value the bare flag {@code -name}.
     *
     * @param dropFormat leave out {@code f} (a first pass's output format, replaced by the null muxer)
     */
    private static List<String> options(JsonNode pairs, String where, boolean dropFormat, Set<String> mapped) {
        List<String> args = new ArrayList<>();
        if (pairs == null || pairs.isNull()) {
            return args;
        }
        if (!pairs.isArray()) {
            throw new Refusal(where + " must be a list of [name, value] pairs");
        }
        for (int i = 0; i < pairs.size(); i++) {
            JsonNode pair = pairs.get(i);
            String at = where + "[" + i + "]";
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()) {
                throw new Refusal(at + " must be a [name, value] pair such as [\"vcodec\", \"libx264\"]");
            }
            String name = pair.get(0).textValue();
            if (!OPTION_NAME.matcher(name).matches()) {
                throw new Refusal(at + ": '" + name + "' is not an ffmpeg option name");
            }
            String value = value(pair.get(1), at);
            if (dropFormat && name.equals("f")) {
                continue;
            }
            if (value != null && value.equals("libfaac") && AUDIO_CODEC_OPTIONS.contains(name)) {
                // why: libfaac left ffmpeg years ago; aac is ffmpeg's own AAC encoder, and every preset asks for it
                value = "aac";
                mapped.add("-" + name + " libfaac runs as -" + name + " aac: this ffmpeg has no libfaac encoder");
            }
            args.add("-" + name);
            if (value != null) {
                args.add(value);
            }
        }
        return args;
    }

    /** An option's value as ffmpeg's argument; null for a bare flag. */
    private static String value(JsonNode v, String at) {
        if (v.isNull() || v.isTextual() && v.textValue().isEmpty()) {
            return null;
        }
        if (v.isNumber()) {
            return v.isIntegralNumber()
                    ? v.bigIntegerValue().toString()
                    : v.decimalValue().toPlainString();
        }
        if (!v.isTextual()) {
            throw new Refusal(at + ": the value must be a string, a number or null");
        }
        if (v.textValue().contains("$")) {
            // why: $...$ are nommer's command tokens; a value must not smuggle one in (a file, the filter chain)
            throw new Refusal(at + ": the value '" + v.textValue() + "' contains '$'");
        }
        return v.textValue();
    }

    /** {@code move_atom_to_front}: the mp4's moov atom first, which ffmpeg's mp4 muxer does itself with faststart. */
    private static void faststart(List<String> out) {
        int at = out.indexOf("-movflags");
        if (at >= 0 && at + 1 < out.size()) {
            if (!out.get(at + 1).contains("faststart")) {
                out.set(at + 1, out.get(at + 1) + "+faststart");
            }
            return;
        }
        out.addAll(List.of("-movflags", "+faststart"));
    }

    /**
     * An argument as one word for the command's shell-like splitting (never run by a shell): single quotes around
     * anything but plain characters, a single quote itself written {@code '\''}.
     */
    static String quote(String arg) {
        if (PLAIN_WORD.matcher(arg).matches() || arg.startsWith("$") && arg.endsWith("$")) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** A URI as media-nommer split it: scheme, then {@code user[:password]@}, host, path. */
    private record Location(String scheme, boolean credentials, String host, String path) {
        static Location parse(String uri, String field) {
            int sep = uri.indexOf("://");
            if (sep <= 0) {
                throw new Refusal(field + " must be a URI such as file:///srv/media/in.mp4 or s3://bucket/key");
            }
            String scheme = uri.substring(0, sep).toLowerCase(Locale.ROOT);
            String rest = uri.substring(sep + 3);
            int at = rest.indexOf('@');
            // why: media-nommer took everything before the first '@' as user:password, and an AWS secret may hold
            // '/'; only in an http(s) URL can an '@' after the host be part of the path
            boolean web = scheme.equals("http") || scheme.equals("https");
            int firstSlash = rest.indexOf('/');
            boolean credentials = at >= 0 && (!web || firstSlash < 0 || at < firstSlash);
            if (credentials) {
                rest = rest.substring(at + 1);
            }
            int slash = rest.indexOf('/');
            return new Location(
                    scheme,
                    credentials,
                    slash < 0 ? rest : rest.substring(0, slash),
                    slash < 0 ? "" : rest.substring(slash + 1));
        }

        /** A {@code file:} location's absolute path: the host joined with the path, as media-nommer made it. */
        Path file() {
            return Path.of("/" + host + (host.isEmpty() ? "" : "/") + path).normalize();
        }
    }

    private static String credentialsRefused(String field) {
        // why: never the credentials themselves: refusals are answered, and may be logged by whoever reads them
        return field + " carries credentials (ID:SECRET@): this service does not take credentials per job, so that"
                + " they are never stored with the job or logged; configure its S3 storage (s3_access_key,"
                + " s3_secret_key) and send s3://bucket/key";
    }

    /** The nommer input for a {@code source_path}. */
    private static String source(String uri) {
        Location l = Location.parse(uri, "source_path");
        if (l.credentials()) {
            throw new Refusal(credentialsRefused("source_path"));
        }
        return switch (l.scheme()) {
            case "file" -> l.file().toUri().toString();
            case "http", "https" -> uri;
            case "s3" -> "s3://" + l.host() + "/" + l.path();
            default ->
                throw new Refusal(
                        "source_path: scheme '" + l.scheme() + "' is not supported; use file:, http:, https: or s3:");
        };
    }

    /** Where the output is published: a folder, and the output's name and extname, which make the file's name. */
    record Destination(String folder, String name, String extname) {}

    private static Destination destination(String uri) {
        Location l = Location.parse(uri, "dest_path");
        if (l.credentials()) {
            throw new Refusal(credentialsRefused("dest_path"));
        }
        String folder;
        String file;
        switch (l.scheme()) {
            case "file" -> {
                Path p = l.file();
                if (p.getParent() == null || p.getFileName() == null) {
                    throw new Refusal("dest_path must name a file, such as file:///srv/media/out/in-web.mp4");
                }
                String dir = p.getParent().toUri().toString();
                folder = dir.endsWith("/") ? dir : dir + "/";
                file = p.getFileName().toString();
            }
            case "s3" -> {
                int slash = l.path().lastIndexOf('/');
                folder = "s3://" + l.host() + "/" + (slash < 0 ? "" : l.path().substring(0, slash + 1));
                file = l.path().substring(slash + 1);
            }
            case "http", "https" ->
                throw new Refusal(
                        "dest_path: http(s) destinations are not supported (media-nommer never wrote to them either);"
                                + " use file: or s3:");
            default -> throw new Refusal("dest_path: scheme '" + l.scheme() + "' is not supported; use file: or s3:");
        }
        int dot = file.lastIndexOf('.');
        String name = dot <= 0 ? file : file.substring(0, dot);
        String extname = dot <= 0 ? "" : file.substring(dot);
        if (!OUTPUT_NAME.matcher(name).matches() || !EXTNAME.matcher(extname).matches()) {
            throw new Refusal("dest_path: the file name '" + file + "' cannot be made exactly: nommer names an"
                    + " output's file <name><extension>, the name 1-64 of a-z, 0-9, '.', '_', '-' (starting with a"
                    + " letter or digit) and the extension 1-8 of a-z, 0-9, such as in-web.mp4");
        }
        return new Destination(folder, name, extname);
    }
}
