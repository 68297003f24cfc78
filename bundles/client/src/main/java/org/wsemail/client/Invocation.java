package org.wsemail.client;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * One run of a command: the user's settings, the command line's options (by name, without the
 * dashes) and other words, and where to print.
 *
 * @param settings who the user is, which server, which roots to trust
 * @param options the {@code --name value} options given
 * @param positional the words after the command that are not options
 * @param out where the command's output goes
 * @param interactive true when a person watches (a terminal): progress may be shown
 */
public record Invocation(ClientSettings settings, Map<String, String> options, List<String> positional, PrintStream out,
        boolean interactive) {

    public Invocation {
        options = Map.copyOf(options);
        positional = List.copyOf(positional);
    }
}
