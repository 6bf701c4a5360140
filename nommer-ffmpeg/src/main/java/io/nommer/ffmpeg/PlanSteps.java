package io.nommer.ffmpeg;

import io.nommer.core.compile.EncodePlan;
import io.nommer.core.compile.FileSet;
import io.nommer.core.compile.PlanStep;
import io.nommer.core.compile.StreamRates;
import io.nommer.core.encode.PlannedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Performs the file work of an {@link EncodePlan} around its ffmpeg runs. */
final class PlanSteps {
    private PlanSteps() {}

    static void perform(PlanStep step) throws IOException {
        switch (step) {
            case PlanStep.MakeDirectory d -> Files.createDirectories(d.dir());
            case PlanStep.WriteFile w -> write(w);
            case PlanStep.CopyFile c -> Files.copy(c.from(), c.to(), StandardCopyOption.REPLACE_EXISTING);
            case PlanStep.HlsMasterPlaylist h -> {
                Map<String, StreamRates> rates = new HashMap<>();
                for (String name : h.playlist().mediaPlaylists()) {
                    rates.put(name, MediaPlaylists.rates(h.master().resolveSibling(name)));
                }
                Files.writeString(h.master(), h.playlist().render(rates), StandardCharsets.UTF_8);
            }
            case PlanStep.DashManifest d -> DashManifests.correct(d.mpd());
            case PlanStep.SmoothManifests s -> {
                IsmvIndex index = IsmvIndex.read(s.media());
                Files.writeString(s.clientManifest(), SmoothManifests.client(index), StandardCharsets.UTF_8);
                Files.writeString(
                        s.serverManifest(),
                        SmoothManifests.server(
                                index,
                                s.media().getFileName().toString(),
                                s.clientManifest().getFileName().toString()),
                        StandardCharsets.UTF_8);
            }
            case PlanStep.TarArchive t -> UstarWriter.write(t.archive(), members(t));
        }
    }

    private static void write(PlanStep.WriteFile w) throws IOException {
        Files.deleteIfExists(w.path());
        if (w.secret()) {
            // why: created owner-only before any byte is written, so the key is never readable by others.
            try {
                Files.createFile(
                        w.path(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(w.path());
            } catch (FileAlreadyExistsException e) {
                throw new IOException("cannot create " + w.path() + " afresh", e);
            }
            Files.write(w.path(), w.content(), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } else {
            Files.write(w.path(), w.content());
        }
    }

    /** The leading names first, then every other regular file of the directory by name. */
    static List<Path> members(PlanStep.TarArchive t) throws IOException {
        Set<Path> ordered = new LinkedHashSet<>();
        for (String name : t.leading()) {
            Path p = t.sourceDir().resolve(name);
            if (!Files.isRegularFile(p)) {
                throw new IOException("the archive's manifest " + name + " was not written");
            }
            ordered.add(p);
        }
        ordered.addAll(regularFiles(t.sourceDir()));
        return new ArrayList<>(ordered);
    }

    static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            // why: no link is published, whatever a run left there
            return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /** What the plan produced: every file of its file sets (each must match something), then its named files. */
    static List<PlannedFile> produced(EncodePlan plan) throws IOException {
        List<PlannedFile> files = new ArrayList<>();
        for (FileSet set : plan.fileSets()) {
            List<PlannedFile> matched = regularFiles(set.dir()).stream()
                    .filter(p -> set.matches(p.getFileName().toString()))
                    .map(p -> new PlannedFile(p, set.roleOf(p.getFileName().toString())))
                    .toList();
            if (matched.isEmpty() && set.required()) {
                throw new IOException(
                        "no " + set.role() + " files " + set.prefix() + "*" + set.suffix() + " in " + set.dir());
            }
            files.addAll(matched);
        }
        files.addAll(plan.files());
        return files;
    }

    /** Deletes {@code dir} and everything in it; quietly, as a best effort. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort; reported below if the directory survives
                }
            });
        } catch (IOException e) {
            // reported below
        }
    }
}
