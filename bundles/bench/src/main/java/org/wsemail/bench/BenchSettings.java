package org.wsemail.bench;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.wsemail.api.Address;

/**
 * What a bench run does: against which server, as which users, how many clients and requests, the
 * mix of operations, the external recipients and the load generator.
 *
 * @param users the bench users; client t acts as user t mod the count
 * @param certificate a PKCS#12 file to log in with (one user), or null for UsernameToken logins
 * @param external recipients at another server that every send also goes to
 * @param load a load generator at the external server, or null for none
 * @param processes how many JVM processes the clients run in (1: all in this one)
 * @param warmup requests each client makes from the mix before the measured ones, not counted:
 *        the load tool's own JIT compilation is not the server's latency
 * @param imListeners how many clients are online for instant messages (the paper's SendIM), logged
 *        in as the bench users in turn; 0 for none
 * @param imPush true to reach them by push to endpoints of their own, false by polling
 * @param imUsers whom instant messages go to and the online clients log in as, in turn (default: the bench users)
 */
record BenchSettings(URI server, List<Address> users, char[] password, Path certificate, Set<TrustAnchor> trusted,
        List<Address> external, int threads, int requests, Map<Operation, Integer> mix, int bodyBytes, int primed,
        LoadGenerator load, int processes, int warmup, int imListeners, boolean imPush, List<Address> imUsers) {

    /** The operations of the paper's mix; SENDIM sends an instant message to a bench user. */
    enum Operation {
        SEND, LIST, RETRIEVE, DELETE, SENDIM
    }

    /** A user at the external server who sends one message a second to each bench user. */
    record LoadGenerator(URI server, Address user) {
    }

    /** Parses {@code send=25,list=25,retrieve=25,delete=25}. */
    static Map<Operation, Integer> mix(String text) {
        Map<Operation, Integer> mix = new EnumMap<>(Operation.class);
        for (String part : text.split(",")) {
            String[] pair = part.trim().split("=");
            if (pair.length != 2) {
                throw new IllegalArgumentException("--mix takes operation=weight pairs, e.g. send=25,list=25,retrieve=25,delete=25");
            }
            int weight = Integer.parseInt(pair[1].trim());
            if (weight < 0) {
                throw new IllegalArgumentException("weights are whole numbers of 0 or more");
            }
            mix.put(Operation.valueOf(pair[0].trim().toUpperCase(Locale.ROOT)), weight);
        }
        if (mix.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("the mix needs some weight");
        }
        return mix;
    }

    /** The operation a draw from 0 to the mix's total weight falls on. */
    static Operation pick(Map<Operation, Integer> mix, int draw) {
        int sum = 0;
        for (Map.Entry<Operation, Integer> entry : mix.entrySet()) {
            sum += entry.getValue();
            if (draw < sum) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("no operation for " + draw);
    }
}
