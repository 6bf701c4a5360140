package io.nommer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** A command that talks to the API: where the server is, its key, and {@code --json} for scripts. */
abstract class ApiCommand implements Callable<Integer> {
    final Context ctx;

    // why: order puts a command's own options first in its help, then these, which every API command shares
    @Option(
            names = "--json",
            order = 90,
            description = "Print the server's JSON instead, one document a line; a command that follows a job prints"
                    + " it again at every change, the last line final")
    boolean json;

    @Mixin
    ClientOptions server;

    ApiCommand(Context ctx) {
        this.ctx = ctx;
    }

    /** With {@code --json}, prints the documents, one a line, and answers true; else answers false. */
    boolean printedAsJson(com.fasterxml.jackson.databind.JsonNode... documents) {
        if (json) {
            for (var d : documents) {
                ctx.out().println(d);
            }
        }
        return json;
    }

    /** A command about one job. */
    abstract static class OnJob extends ApiCommand {
        @Parameters(paramLabel = "JOB_ID", description = "The job (job_...)")
        String id;

        OnJob(Context ctx) {
            super(ctx);
        }
    }

    /** The values an option takes, for checking it and for shell completion. */
    abstract static class Choices extends ArrayList<String> implements ITypeConverter<String> {
        private static final long serialVersionUID = 1;

        Choices(String... values) {
            super(List.of(values));
        }

        @Override
        public String convert(String value) {
            if (!contains(value)) {
                throw new TypeConversionException(
                        "expected one of " + String.join(", ", this) + ", not '" + value + "'");
            }
            return value;
        }
    }
}
