package io.nommer.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The build enforces the architecture (STYLE.md habit 10). */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.nommer");

    @Test
    void core_dependsOnNoAdapterNorHeavyLibrary() {
        noClasses().that().resideInAPackage("io.nommer.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nommer.store..", "io.nommer.storage..",
                        "io.nommer.ffmpeg..", "io.nommer.server..", "io.nommer.cli..", "com.fasterxml.jackson.databind..",
                        "com.fasterxml.jackson.annotation..", "java.sql..",
                        "org.flywaydb..", "com.sun.net.httpserver..")
                .check(CLASSES);
    }

    @Test
    void onlyTheCompositionRootConstructsAdapters() {
        // The composition root is the top-level server package: NommerServer, WorkerProcess and Backends.
        noClasses().that().resideOutsideOfPackages("io.nommer.store..", "io.nommer.storage..", "io.nommer.ffmpeg..",
                        "io.nommer.bench..", "io.nommer.server")
                .should().callConstructorWhere(DescribedPredicate.describe("an adapter's constructor",
                        (JavaConstructorCall target) -> {
                    String pkg = target.getTarget().getOwner().getPackageName();
                    String name = target.getTarget().getOwner().getSimpleName();
                    boolean adapter = pkg.startsWith("io.nommer.store") || pkg.startsWith("io.nommer.storage")
                            || pkg.startsWith("io.nommer.ffmpeg");
                    // Exceptions and value records of adapters may be created anywhere; services may not.
                    return adapter && !name.endsWith("Exception") && !name.endsWith("Config");
                }))
                .check(CLASSES);
    }

    @Test
    void adaptersDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("io.nommer.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nommer.storage..", "io.nommer.ffmpeg..",
                        "io.nommer.server..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.nommer.ffmpeg..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nommer.store..", "io.nommer.storage..",
                        "io.nommer.server..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("io.nommer.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.nommer.store..", "io.nommer.ffmpeg..",
                        "io.nommer.server..")
                .check(CLASSES);
    }
}
