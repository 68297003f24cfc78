package org.wsemail.bench;

import java.util.List;

import org.wsemail.client.ClientCommand;
import org.wsemail.client.Invocation;
import org.wsemail.client.Main;
import org.wsemail.client.UsageException;

/**
 * One worker process of a bench ({@code wsemail bench-worker}, started by {@link BenchCommand}):
 * runs its clients and prints a line per request for the coordinator. Not listed in the usage text.
 */
public final class BenchWorkerCommand implements ClientCommand {
    static final String NAME = "bench-worker";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public int run(Invocation invocation) throws UsageException {
        BenchSettings bench = BenchCommand.settings(invocation.settings(), invocation.options());
        int first;
        int count;
        try {
            first = Integer.parseInt(invocation.options().getOrDefault("first-client", "0"));
            count = BenchCommand.positive(invocation.options(), "clients", 1);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<Thread> clients = LoadRun.clients(bench, first, count, sample -> {
            synchronized (invocation.out()) {
                invocation.out().println(sample.line());
            }
        });
        try {
            for (Thread client : clients) {
                client.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.REFUSED;
        }
        invocation.out().flush();
        return Main.OK;
    }
}
