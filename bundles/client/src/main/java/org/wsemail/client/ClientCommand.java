package org.wsemail.client;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A command of the {@code wsemail} command line that a module other than the client contributes
 * (the load tool's {@code bench}, say). Found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/org.wsemail.client.ClientCommand} and put the jar on the client's class
 * path. Constructed once per run, on the command line's thread.
 */
@ConsumerType
public interface ClientCommand {

    /** The word that names it on the command line, e.g. {@code bench}. */
    String name();

    /** Its lines in the usage text, already indented, or an empty string for a command not listed there. */
    String usage();

    /**
     * Carries the command out.
     *
     * @return the exit status: {@link Main#OK}, or {@link Main#REFUSED} when what was asked failed
     * @throws UsageException if the command line is wrong (exit status {@link Main#USAGE})
     * @throws WsemailException if the server refused or could not be reached
     */
    int run(Invocation invocation) throws UsageException, WsemailException;
}
