package org.wsemail.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.wsemail.api.Address;
import org.wsemail.client.ClientCommand;
import org.wsemail.client.ClientSettings;
import org.wsemail.client.Invocation;
import org.wsemail.client.Main;
import org.wsemail.client.UsageException;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;

/**
 * {@code wsemail bench}: the paper's test bed as a load tool. Coordinates the clients (threads in
 * this JVM, or worker processes that run {@link BenchWorkerCommand}) and prints the report.
 */
public final class BenchCommand implements ClientCommand {
    /** The options a worker process is not given: what only the coordinator does, and the password. */
    private static final Set<String> NOT_FOR_WORKERS = Set.of("json", "histogram", "processes", "load-from", "load-server",
            "password", "encrypt", "im-listeners", "im-push");

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  bench [--threads 4] [--processes 1] [--requests 500] [--mix send=25,list=25,retrieve=25,delete=25]",
                "        [--users <address>,...] [--to <external-address>,...] [--body-bytes 1024] [--prime 6]",
                "        [--load-from <address> --load-server <url>] [--warmup 0] [--json <file>] [--histogram <file.png>]",
                "        [--im-listeners 0] [--im-push yes|no] [--im-users <address>,...]",
                "                   load test, as the paper measured: --threads clients (spread over --processes JVMs),",
                "                   client t logging in as user t of --users (default --user; all with the one password,",
                "                   or with --certificate); each send goes to a random bench user and to --to; --load-from",
                "                   (a user at --load-server, same password) sends 1 message a second to each bench user;",
                "                   --warmup: requests per client before the measured ones, not counted; sendim in --mix",
                "                   sends instant messages to --im-users (default: the bench users), for whom --im-listeners",
                "                   clients are online (client k as user k of them):",
                "                   the push latency (sender's request to the listening client) is reported");
    }

    @Override
    public int run(Invocation invocation) throws UsageException {
        BenchSettings bench = settings(invocation.settings(), invocation.options());
        // A worker process: this JVM with the same options, as bench-worker, without what only the
        // coordinator does; the password goes in its environment, not on a command line.
        List<String> worker = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), BenchWorkerCommand.NAME));
        invocation.options().forEach((name, value) -> {
            if (!NOT_FOR_WORKERS.contains(name)) {
                worker.addAll(List.of("--" + name, value));
            }
        });
        try {
            return LoadRun.run(bench, invocation.out(), invocation.interactive(), invocation.options().get("json"),
                    invocation.options().get("histogram"), worker,
                    Map.of("WSEMAIL_PASSWORD", new String(invocation.settings().password()))) == 0 ? Main.OK : Main.REFUSED;
        } catch (IOException e) {
            throw new UsageException("cannot write the figures: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.REFUSED;
        }
    }

    /** The bench's settings from the command line's. */
    static BenchSettings settings(ClientSettings settings, Map<String, String> options) throws UsageException {
        try {
            List<Address> users = Address.parseList(options.get("users"));
            if (settings.certificate() != null) {
                if (!users.isEmpty()) {
                    throw new UsageException("bench with --certificate logs in as the certificate's one user; leave out --users");
                }
                users = List.of(WsemailClient.certificateUser(settings.certificate(), settings.password()));
            } else if (users.isEmpty()) {
                users = List.of(settings.user());
            }
            BenchSettings.LoadGenerator load = null;
            if (options.containsKey("load-from") != options.containsKey("load-server")) {
                throw new UsageException("the load generator needs both --load-from and --load-server");
            }
            if (options.containsKey("load-from")) {
                load = new BenchSettings.LoadGenerator(new URI(options.get("load-server")), Address.parse(options.get("load-from")));
            }
            return new BenchSettings(settings.server(), users, settings.password(), settings.certificate(), settings.trusted(),
                    Address.parseList(options.get("to")), positive(options, "threads", 4), positive(options, "requests", 500),
                    BenchSettings.mix(options.getOrDefault("mix", "send=25,list=25,retrieve=25,delete=25")),
                    positive(options, "body-bytes", 1024), Integer.parseInt(options.getOrDefault("prime", "6")), load,
                    positive(options, "processes", 1), Integer.parseInt(options.getOrDefault("warmup", "0")),
                    Integer.parseInt(options.getOrDefault("im-listeners", "0")), !"no".equals(options.getOrDefault("im-push", "yes")),
                    options.containsKey("im-users") ? Address.parseList(options.get("im-users")) : users);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (URISyntaxException e) {
            throw new UsageException("not a URL: " + options.get("load-server"));
        } catch (WsemailException e) {
            throw new UsageException("cannot use the certificate: " + e.getMessage());
        }
    }

    static int positive(Map<String, String> options, String name, int fallback) {
        int value = Integer.parseInt(options.getOrDefault(name, String.valueOf(fallback)));
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return value;
    }
}
