package io.nommer.cli;

import io.nommer.core.scaling.WorkerProvider;
import io.nommer.server.NommerServer;
import io.nommer.server.WorkerProcess;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.http.HttpServer;
import io.nommer.server.scaling.KubernetesWorkers;
import io.nommer.server.scaling.LocalWorkers;
import io.nommer.server.scaling.ec2.Ec2Workers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The long-running processes, {@code serve} and {@code worker}. Their options are the server's settings, added by
 * {@link ServiceSettings}; the environment ({@code NOMMER_<SETTING>}) and a properties file give them too.
 */
final class ServiceCommands {
    static final String SETTINGS_FOOTER = "%nEvery setting may also come from a NOMMER_<SETTING> environment variable"
            + " or a properties file (--config FILE or NOMMER_CONFIG); flags win over the environment, which wins"
            + " over the file. See the README's Configuration table.";

    private ServiceCommands() {}

    /** The process environment without the client's variables, which are no server settings. */
    static Map<String, String> serverEnv(Context ctx) {
        Map<String, String> env = new java.util.HashMap<>(ctx.env());
        env.remove(ClientOptions.SERVER_ENV);
        env.remove(ClientOptions.API_KEY_ENV);
        return env;
    }

    /** A long-running process; its settings from flags, the environment and the properties file. */
    abstract static class Service implements Callable<Integer> {
        final Context ctx;

        @Spec
        CommandSpec spec;

        Service(Context ctx) {
            this.ctx = ctx;
        }

        ServerConfig config() {
            return ConfigLoader.load(ServiceSettings.given(spec), serverEnv(ctx));
        }
    }

    @Command(
            name = "serve",
            abbreviateSynopsis = true,
            description = {
                "Run the service: API, store, storage and workers.",
                "With no options: SQLite and files in ./nommer-data, http://127.0.0.1:8080, one worker per two cores."
            },
            footer = SETTINGS_FOOTER)
    static final class Serve extends Service {
        Serve(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws InterruptedException {
            ServerConfig config = config();
            List<WorkerProvider> providers =
                    new ArrayList<>(List.of(localWorkers(config, ServiceSettings.given(spec))));
            KubernetesWorkers.forServe(config).ifPresent(providers::add);
            Ec2Workers.forServe(config).ifPresent(providers::add);
            NommerServer server = NommerServer.start(config, providers);
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                server.close();
                                done.countDown();
                            },
                            "nommer-shutdown"));
            String where = HttpServer.isWildcard(config.bind())
                    ? "every interface, port " + server.port() + " (from this machine: " + server.baseUrl() + ")"
                    : server.baseUrl();
            ctx.out()
                    .println("nommer serving on " + where + " (data in "
                            + config.dataDir().toAbsolutePath() + ")");
            done.await();
            return ExitCode.OK;
        }
    }

    /**
     * The {@code local} scaling provider: {@code nommer worker} processes run by this same Java and jar, given the
     * settings {@code serve} was given (its environment and config file they inherit), so they use its store,
     * storage and data folder.
     */
    static LocalWorkers localWorkers(ServerConfig config, Map<String, String> settings) {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "worker");
        return new LocalWorkers(command, settings, config.dataDir().resolve("workers"));
    }

    @Command(
            name = "worker",
            abbreviateSynopsis = true,
            description = {
                "Run a worker that encodes tasks from the store.",
                "It claims tasks of its --clouds, talks only to the store and the storage, and opens no port: point it"
                        + " at the same --store and --storage as `nommer serve`.",
                "Stop it with SIGTERM: it stops claiming and lets running encodes finish for"
                        + " --shutdown-grace-seconds."
            },
            footer = SETTINGS_FOOTER)
    static final class Worker extends Service {
        Worker(Context ctx) {
            super(ctx);
        }

        @Override
        public Integer call() throws InterruptedException {
            WorkerProcess worker = WorkerProcess.start(config());
            Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "nommer-shutdown"));
            ctx.out()
                    .println("nommer worker running (stop with SIGTERM; running encodes get "
                            + worker.shutdownGrace().toSeconds() + " s to finish)");
            worker.awaitExit();
            // why: on EC2 a worker that could not terminate its instance exits non-zero, and systemd starts it again
            return worker.failure() == null ? ExitCode.OK : ExitCode.JOB_FAILED;
        }
    }
}
