package org.wsemail.plugins.ondemandattachments;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * Checks the Promela model of the on-demand attachment protocol ({@code model/on-demand-attachments.pml})
 * with Spin: the protocol as built keeps its properties (correspondence, only recipients obtain the
 * attachment), and each mutant without one of the server's checks is caught by Spin with an attack.
 * Needs Spin and a C compiler (Debian: spin, gcc).
 */
public class ProtocolModelTest {
    private static final Path MODEL = Path.of("model", "on-demand-attachments.pml").toAbsolutePath();
    private static final Pattern ERRORS = Pattern.compile("errors: (\\d+)");

    @Test
    public void theProtocolKeepsCorrespondenceAndSecrecy() throws Exception {
        String report = check("protocol");
        assertEquals(report, 0, errors(report));
        assertTrue(report, report.contains("states, stored"));
    }

    @Test
    public void withoutTheIssuerCheckAnotherDomainObtainsTheAttachment() throws Exception {
        assertAttackFound(check("NO_ISSUER_CHECK"));
    }

    @Test
    public void withoutTheRecipientCheckSomeoneElseObtainsTheAttachment() throws Exception {
        assertAttackFound(check("NO_RECIPIENT_CHECK"));
    }

    @Test
    public void withoutProofOfPossessionAReplayedTokenObtainsTheAttachment() throws Exception {
        assertAttackFound(check("NO_POSSESSION_CHECK"));
    }

    private static void assertAttackFound(String report) {
        assertTrue("Spin found no attack on the mutant:\n" + report, errors(report) > 0);
        assertTrue(report, report.contains("assertion violated  !(knowsX)"));
    }

    private static int errors(String report) {
        Matcher matcher = ERRORS.matcher(report);
        if (!matcher.find()) {
            throw new AssertionError("no verdict from Spin's verifier:\n" + report);
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** Generates the verifier for the model (with {@code variant} defined, unless "protocol"), compiles and runs it. */
    private static String check(String variant) throws Exception {
        Path work = Files.createDirectories(Path.of("target", "spin", variant).toAbsolutePath());
        List<String> spin = new ArrayList<>(List.of("spin"));
        if (!variant.equals("protocol")) {
            spin.add("-D" + variant);
        }
        spin.addAll(List.of("-a", MODEL.toString()));
        run(work, spin);
        run(work, List.of("gcc", "-O2", "-DSAFETY", "-o", "pan", "pan.c"));
        return run(work, List.of("./pan", "-m100000"));
    }

    private static String run(Path directory, List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " (install the Debian packages spin and gcc): " + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 120 s:\n" + output);
        }
        if (process.exitValue() != 0 && !command.get(0).equals("./pan")) {
            throw new AssertionError(String.join(" ", command) + " failed (" + process.exitValue() + "):\n" + output);
        }
        return output;
    }
}
