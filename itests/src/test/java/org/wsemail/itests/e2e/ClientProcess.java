package org.wsemail.itests.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The distribution's {@code bin/wsemail}, run as a user runs it, kept running: what it prints is
 * collected line by line, what it reads can be typed, and a test waits for a line (never for a time).
 */
final class ClientProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    /**
     * @param home the server distribution whose {@code bin/wsemail} runs
     * @param password the password (or the certificate file's), given as {@code WSEMAIL_PASSWORD}
     */
    ClientProcess(Path home, String password, String... arguments) throws IOException {
        this(home, password, false, arguments);
    }

    /**
     * @param warm whether everyday commands may go to the warm background client (the agent);
     *     otherwise each runs in its own process, so that no agent outlives the test
     */
    ClientProcess(Path home, String password, boolean warm, String... arguments) throws IOException {
        List<String> line = new ArrayList<>(List.of(home.resolve("bin/wsemail").toString()));
        line.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().put("WSEMAIL_PASSWORD", password);
        if (!warm) {
            builder.environment().put("WSEMAIL_AGENT", "off");
        }
        this.process = builder.start();
        this.reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String next = out.readLine(); next != null; next = out.readLine()) {
                    lines.add(next);
                }
            } catch (IOException e) {
                lines.add("(output ended: " + e.getMessage() + ")");
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until a line printed so far matches; returns it. */
    String await(String what, Predicate<String> line, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            for (String printed : lines) {
                if (line.test(printed)) {
                    return printed;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("wsemail never printed " + what + " within " + limit.toSeconds() + " s; it printed: " + lines
                        + (process.isAlive() ? "" : " and exited with " + process.exitValue()));
            }
            Thread.sleep(50);
        }
    }

    /** Types a line on its standard input. */
    void type(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Ends its standard input, as Ctrl-D does. */
    void endInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for it to exit; returns its exit status. */
    int exit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("wsemail did not exit within " + limit.toSeconds() + " s; it printed: " + lines);
        }
        reader.join(5_000);
        return process.exitValue();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
