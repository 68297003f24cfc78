package org.wsemail.wire.fuzz;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Runs each fuzz target under Jazzer (coverage-guided, libFuzzer) for a fixed budget,
 * {@code -Dwsemail.fuzz.seconds} (20 by default; CI runs the default), starting from the corpus of
 * valid messages. Passes when the budget runs out without a finding; a finding leaves its input in
 * {@code target/fuzz/<target>/} and the log there says what broke. A longer run: {@code mvn -pl
 * bundles/wire test -Dtest=MessageFuzzingTest -Dwsemail.fuzz.seconds=600}.
 */
public class MessageFuzzingTest {
    private static final Path ROOT = Path.of("target", "fuzz").toAbsolutePath();
    private static final Path SEEDS = ROOT.resolve("seeds");
    private static final Pattern DONE = Pattern.compile("Done (\\d+) runs in (\\d+) second");

    @BeforeClass
    public static void writeTheCorpus() throws Exception {
        for (String target : List.of("MessageCodecFuzzer", "MessageSignatureFuzzer")) {
            FuzzSeeds.write(ROOT.resolve(target).resolve("corpus"), SEEDS);
        }
    }

    @Test
    public void theMessageCodecSurvivesItsFuzzingBudget() throws Exception {
        fuzz("MessageCodecFuzzer");
    }

    @Test
    public void theSignatureCheckSurvivesItsFuzzingBudgetAndVerifiesNoForgery() throws Exception {
        System.setProperty(FuzzSeeds.FOLDER_PROPERTY, SEEDS.toString());
        MessageSignatureFuzzer.fuzzerInitialize();
        for (Path seed : FuzzSeeds.corpus(ROOT.resolve("MessageSignatureFuzzer").resolve("corpus"))) {
            MessageSignatureFuzzer.fuzzerTestOneInput(Files.readAllBytes(seed));
        }
        fuzz("MessageSignatureFuzzer");
    }

    private static void fuzz(String target) throws Exception {
        Path work = ROOT.resolve(target);
        int seconds = Integer.getInteger("wsemail.fuzz.seconds", 20);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = work.resolve("jazzer.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-D" + FuzzSeeds.FOLDER_PROPERTY + "=" + SEEDS, "-cp", classPath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
                "com.code_intelligence.jazzer.Jazzer", "--target_class=" + MessageFuzzingTest.class.getPackageName() + "." + target,
                "--instrumentation_includes=org.wsemail.**:org.apache.xml.security.**:org.glassfish.jaxb.**",
                "-max_total_time=" + seconds, "-timeout=20", "-rss_limit_mb=1536", "-artifact_prefix=" + work + File.separator, "--reproducer_path=" + work,
                work.resolve("corpus").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(target + " did not finish; see " + log, process.waitFor(seconds + 120L, TimeUnit.SECONDS));
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(target + " found something; see " + log + ":\n" + tail(output), 0, process.exitValue());
        Matcher done = DONE.matcher(output);
        assertTrue("no summary from " + target + ": " + tail(output), done.find());
        System.out.println(target + ": " + done.group(1) + " inputs in " + done.group(2) + " s, no finding");
    }

    private static String tail(String output) {
        return output.length() > 4000 ? output.substring(output.length() - 4000) : output;
    }
}
