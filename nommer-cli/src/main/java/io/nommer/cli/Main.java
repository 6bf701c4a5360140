package io.nommer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code nommer} command: parsing, help and exit codes on picocli; each command is a class of its own. */
public final class Main {
    private final Context ctx;

    Main(PrintStream out, PrintStream err) {
        this(new Context(out, err, System.getenv(), Terminal.detect(System.getenv())));
    }

    Main(Context ctx) {
        this.ctx = ctx;
    }

    public static void main(String[] args) {
        int code = new Main(System.out, System.err).run(args);
        // why: serve returns only while its shutdown hook runs, when System.exit would block; every other command,
        // an idle worker included, exits here.
        if (code != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(code);
        }
    }

    int run(String... args) {
        return commandLine().execute(args);
    }

    @Command(
            name = "nommer",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            synopsisSubcommandLabel = "COMMAND",
            description = {
                "A self-hosted media encoding service: run it (serve, worker), submit jobs and follow them.",
                "Every command has --help."
            },
            commandListHeading = "%nCommands:%n",
            footer = {
                "",
                "Environment:",
                "  " + ClientOptions.SERVER_ENV + "     the server: URL or HOST:PORT (default " + ServerAddress.DEFAULT
                        + ")",
                "  " + ClientOptions.API_KEY_ENV + "    the API key sent to it",
                "  NOMMER_<SETTING>  a setting of serve, worker and keys (NOMMER_PORT=9000)",
                "",
                "Shell completion: source <(nommer completion)"
            },
            subcommands = {
                ServiceCommands.Serve.class,
                ServiceCommands.Worker.class,
                SubmitCommand.class,
                BatchCommand.class,
                JobCommands.Watch.class,
                JobCommands.Status.class,
                JobCommands.ListJobs.class,
                JobCommands.Cancel.class,
                JobCommands.Retry.class,
                FarmCommands.Presets.class,
                FarmCommands.Workers.class,
                FarmCommands.Clouds.class,
                FarmCommands.Usage.class,
                KeysCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class
            })
    static final class Root implements Callable<Integer> {
        private final Context ctx;

        @Spec
        CommandSpec spec;

        Root(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            spec.commandLine().usage(ctx.err());
            return ExitCode.USAGE;
        }
    }

    /** The command tree, printing to the context's streams, with nommer's error messages and exit codes. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(Root.class, new Factory(ctx));
        ServiceSettings.addTo(cl.getSubcommands().get("serve").getCommandSpec(), ServiceSettings.Use.SERVE);
        ServiceSettings.addTo(cl.getSubcommands().get("worker").getCommandSpec(), ServiceSettings.Use.WORKER);
        everyCommand(cl);
        cl.setOut(new PrintWriter(ctx.out(), true));
        cl.setErr(new PrintWriter(ctx.err(), true));
        cl.setUsageHelpWidth(Math.max(80, Math.min(120, ctx.terminal().columns())));
        // why: the last of a repeated option wins, as it did before picocli and as shells' users expect
        cl.setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler(this::usageError);
        cl.setExecutionExceptionHandler((e, command, parsed) -> failure(e, command));
        return cl;
    }

    private static void everyCommand(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        spec.usageMessage().sortOptions(false).optionListHeading("%nOptions:%n");
        if (!spec.positionalParameters().isEmpty()) {
            spec.usageMessage().parameterListHeading("%nArguments:%n");
        }
        if (spec.parent() != null && !spec.optionsMap().containsKey("--help")) {
            spec.addOption(OptionSpec.builder("-h", "--help")
                    .usageHelp(true)
                    .order(99)
                    .description("Show this help and exit.")
                    .build());
        }
        if (spec.parent() == null || spec.mixins().containsKey("server")) {
            spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.descriptions());
        }
        cl.getSubcommands().values().forEach(Main::everyCommand);
    }

    /** A bad command line: what is wrong (naming the option), and where help is. */
    private int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u
                && !cl.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().get(0) + "' (commands: "
                    + String.join(", ", cl.getSubcommands().keySet()) + ")";
        } else if (e instanceof UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()
                && u.getUnmatched().get(0).startsWith("-")) {
            // why: picocli lists the unknown option's value as an unknown option too
            message = "unknown option '" + u.getUnmatched().get(0) + "'";
        }
        ctx.err().println(cl.getCommandSpec().qualifiedName() + ": " + message);
        if (e instanceof UnmatchedArgumentException u) {
            UnmatchedArgumentException.printSuggestions(u, ctx.err());
        }
        ctx.err().println("See '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        return ExitCode.USAGE;
    }

    /** What went wrong while a command ran, said once, as an exit code scripts can tell apart. */
    private int failure(Exception e, CommandLine command) {
        String name = command.getCommandSpec().qualifiedName();
        if (e instanceof NommerClient.Unreachable) {
            ctx.err().println(name + ": " + e.getMessage());
            return ExitCode.UNREACHABLE;
        }
        if (e instanceof NommerClient.ApiError a) {
            boolean ours = a.status() >= 500;
            ctx.err()
                    .println(name + ": the server " + (ours ? "failed" : "refused") + " the request: " + a.getMessage()
                            + hint(a));
            return ours ? ExitCode.SERVER_ERROR : ExitCode.REFUSED;
        }
        if (e instanceof IllegalArgumentException) {
            // the server's configuration, checked at start-up, names the bad setting
            ctx.err().println(name + ": " + e.getMessage());
            return ExitCode.USAGE;
        }
        if (e instanceof IOException) {
            ctx.err().println(name + ": " + e.getMessage());
            return ExitCode.JOB_FAILED;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED;
        }
        ctx.err().println(name + ": internal error, please report it:");
        e.printStackTrace(ctx.err());
        return ExitCode.JOB_FAILED;
    }

    private static String hint(NommerClient.ApiError a) {
        return switch (a.status()) {
            case 401 ->
                "\n  send an API key: --api-key KEY or " + ClientOptions.API_KEY_ENV + " (see nommer keys --help)";
            case 403 -> "\n  this needs an admin key";
            default -> "";
        };
    }

    /** Makes commands with the context, and everything else as picocli would. */
    private record Factory(Context ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (!type.getPackageName().equals(Main.class.getPackageName())) {
                return CommandLine.defaultFactory().create(type);
            }
            try {
                return type.getDeclaredConstructor(Context.class).newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return type.getDeclaredConstructor().newInstance();
            }
        }
    }

    /** {@code nommer --version}: this build's version and the Java it runs on. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "nommer " + p.getProperty("version", "(unknown version)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
