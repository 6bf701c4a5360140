package io.nommer.cli;

import java.net.URI;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How a command reaches the API: {@code --server} and {@code --api-key}, or their environment variables. */
final class ClientOptions {
    static final String SERVER_ENV = "NOMMER_SERVER";
    static final String API_KEY_ENV = "NOMMER_API_KEY";

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    @Option(
            names = "--server",
            order = 91,
            paramLabel = "URL|HOST:PORT",
            description = "The nommer server: a URL, or HOST:PORT for http://HOST:PORT (HOST alone: port 8080)."
                    + " Default: $" + SERVER_ENV + ", else " + ServerAddress.DEFAULT + ".")
    String server;

    @Option(
            names = "--api-key",
            order = 92,
            paramLabel = "KEY",
            description = "API key (nk_...), sent as a Bearer token; needed when the server requires keys (any"
                    + " address but loopback). Default: $" + API_KEY_ENV + ".")
    String apiKey;

    /** The server's URL, from the option, the environment or the default; a bad one is a usage error naming it. */
    URI serverUri(Context ctx) {
        String from = server != null ? "--server" : ctx.env().get(SERVER_ENV) != null ? SERVER_ENV : null;
        String value = server != null ? server : ctx.env().getOrDefault(SERVER_ENV, ServerAddress.DEFAULT);
        try {
            return ServerAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), from + " " + e.getMessage());
        }
    }

    NommerClient client(Context ctx) {
        String key = apiKey != null ? apiKey : ctx.env().get(API_KEY_ENV);
        return new NommerClient(serverUri(ctx), key == null || key.isBlank() ? null : key.strip());
    }

    /** The options to repeat in a follow-up command, so that it reaches the same server. */
    String repeat() {
        return server == null ? "" : " --server " + server;
    }
}
