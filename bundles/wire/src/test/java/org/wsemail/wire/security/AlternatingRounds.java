package org.wsemail.wire.security;

/**
 * The rounds of a benchmark that writes a message with a security header both ways, alternating
 * in one JVM ({@link AnswerSigningBench}, {@link RequestHeaderBench}): each round writes {@code
 * messages} the streamed way, then as many the DOM way, and prints microseconds and bytes per
 * message for each.
 */
final class AlternatingRounds {
    /** Writes one message and gives its bytes. */
    interface Written {
        long bytes() throws Exception;
    }

    private AlternatingRounds() {
    }

    /** @param args messages per round (2000), rounds (8) */
    static void run(String[] args, Written streamed, Written dom) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        for (int round = 1; round <= rounds; round++) {
            long start = System.nanoTime();
            long streamedBytes = 0;
            for (int i = 0; i < messages; i++) {
                streamedBytes += streamed.bytes();
            }
            long middle = System.nanoTime();
            long domBytes = 0;
            for (int i = 0; i < messages; i++) {
                domBytes += dom.bytes();
            }
            long end = System.nanoTime();
            System.out.printf("round %d: streamed %.1f us, %d B; dom %.1f us, %d B%n", round,
                    (middle - start) / 1e3 / messages, streamedBytes / messages, (end - middle) / 1e3 / messages,
                    domBytes / messages);
        }
    }
}
