package io.nommer.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nommer completion}: the bash (and zsh) completion script for every command and option. */
@Command(
        name = "completion",
        description = {
            "Print the bash completion script.",
            "It completes nommer's commands and options (zsh reads it too, after `autoload -U +X bashcompinit &&"
                    + " bashcompinit`).",
            "This shell:  source <(nommer completion)",
            "For good:    nommer completion > ~/.local/share/bash-completion/completions/nommer",
            "It completes `nommer` on the PATH and `./nommer` alike."
        })
final class CompletionCommand implements Callable<Integer> {
    private final Context ctx;

    @Spec
    CommandSpec spec;

    CompletionCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.out().print(AutoComplete.bash("nommer", spec.root().commandLine()));
        ctx.out().flush();
        return ExitCode.OK;
    }
}
