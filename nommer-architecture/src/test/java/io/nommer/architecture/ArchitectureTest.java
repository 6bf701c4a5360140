package io.nommer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The architecture, checked by the build over every module at once (STYLE.md habit 10; the module map is in the
 * README and ARCHITECTURE.md). Main code only: tests may reach anywhere.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.nommer");

    private static final String[] ADAPTERS = {"io.nommer.store..", "io.nommer.storage..", "io.nommer.ffmpeg.."};

    @Test
    void everyModuleIsImported() {
        // why: the rules below pass vacuously for a module whose classes were not found
        assertThat(List.of(
                        "io.nommer.core",
                        "io.nommer.store",
                        "io.nommer.storage",
                        "io.nommer.ffmpeg",
                        "io.nommer.server",
                        "io.nommer.cli",
                        "io.nommer.bench"))
                .allMatch(CLASSES::containPackage);
    }

    @Test
    void core_dependsOnNoAdapterNoFrameworkAndNoDatabase() {
        noClasses()
                .that()
                .resideInAPackage("io.nommer.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.nommer.store..",
                        "io.nommer.storage..",
                        "io.nommer.ffmpeg..",
                        "io.nommer.server..",
                        "io.nommer.cli..",
                        "io.nommer.bench..",
                        "com.fasterxml.jackson.databind..",
                        "com.fasterxml.jackson.annotation..",
                        "java.sql..",
                        "javax.sql..",
                        "org.flywaydb..",
                        "org.eclipse.jetty..",
                        "software.amazon..",
                        "com.sun.net.httpserver..")
                .because("core is the domain and its ports; the profile codec alone may use jackson-core's parser")
                .check(CLASSES);
    }

    @Test
    void onlyTheProfileCodec_readsAndWritesJsonInCore() {
        noClasses()
                .that()
                .resideInAPackage("io.nommer.core..")
                .and()
                .haveNameNotMatching("io\\.nommer\\.core\\.profile\\.ProfileJson(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson..")
                .check(CLASSES);
    }

    @Test
    void corePackages_haveNoCycles() {
        slices().matching("io.nommer.core.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void storage_doesNotImportEncoding() {
        noClasses()
                .that()
                .resideInAPackage("io.nommer.storage..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.nommer.core.encode..", "io.nommer.core.compile..", "io.nommer.core.profile..")
                .because("storage moves bytes; why an input is refused is a failure code, not an encoding matter")
                .check(CLASSES);
    }

    @Test
    void adaptersDoNotDependOnEachOtherNorOnTheServer() {
        noClasses()
                .that()
                .resideInAPackage("io.nommer.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.nommer.storage..", "io.nommer.ffmpeg..", "io.nommer.server..", "io.nommer.cli..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("io.nommer.ffmpeg..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.nommer.store..", "io.nommer.storage..", "io.nommer.server..", "io.nommer.cli..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage("io.nommer.storage..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.nommer.store..", "io.nommer.ffmpeg..", "io.nommer.server..", "io.nommer.cli..")
                .check(CLASSES);
    }

    @Test
    void onlyTheCompositionRootConstructsAdapters() {
        // The composition root is the server module's top-level package (NommerServer, WorkerProcess, Backends);
        // benchmarks build their own fixtures.
        noClasses()
                .that()
                .resideOutsideOfPackages(concat(ADAPTERS, "io.nommer.server", "io.nommer.bench.."))
                .should()
                .callConstructorWhere(DescribedPredicate.describe(
                        "an adapter's constructor",
                        (JavaConstructorCall call) ->
                                isAdapterService(call.getTarget().getOwner())))
                .check(CLASSES);
    }

    @Test
    void handlersCallApplicationServices_notTheStore() {
        noClasses()
                .that()
                .resideInAnyPackage("io.nommer.server.api..", "io.nommer.server.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(concat(ADAPTERS, "io.nommer.core.store.."))
                .orShould()
                .dependOnClassesThat(DescribedPredicate.describe(
                        "a store port",
                        (JavaClass c) -> c.getName().equals("io.nommer.core.job.JobStore")
                                || c.getName().equals("io.nommer.core.queue.TaskQueue")
                                || c.getName().equals("io.nommer.core.fleet.FleetRegistry")
                                || c.getName().equals("io.nommer.core.profile.ProfileStore")
                                || c.getName().equals("io.nommer.core.webhook.WebhookOutbox")))
                .because("each resource has one application service (core.service); only the HTTP router maps "
                        + "their refusals to problems")
                .check(CLASSES);
    }

    /** An adapter's working class (not one of its exceptions, configuration records or value types). */
    private static boolean isAdapterService(JavaClass c) {
        String pkg = c.getPackageName();
        boolean adapter = pkg.startsWith("io.nommer.store")
                || pkg.startsWith("io.nommer.storage")
                || pkg.startsWith("io.nommer.ffmpeg");
        String name = c.getSimpleName();
        return adapter && !c.isRecord() && !name.endsWith("Exception") && !name.endsWith("Config");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
