import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;

/**
 * What one signature costs on this machine, by algorithm and provider: the figures behind the
 * "faster signature keys" lever of the send path (docs/PERFORMANCE.md). A server signs every message
 * it relays and every answer; the next server, the client and the reader verify.
 *
 * <p>Run: {@code java -cp ~/.m2/repository/org/bouncycastle/bcprov-jdk18on/1.87/bcprov-jdk18on-1.87.jar
 * docs/SignatureSpeed.java} (without the class path it measures the JDK's providers only).
 */
public class SignatureSpeed {
    private static final byte[] DATA = new byte[512];

    public static void main(String[] args) throws Exception {
        new SecureRandom().nextBytes(DATA);
        Provider bouncyCastle = bouncyCastle();
        for (int round = 1; round <= 3; round++) {
            System.out.printf("round %d (ms per signature, sign / verify)%n", round);
            measure("RSA-2048 SHA256withRSA, JDK", "SHA256withRSA", keys("RSA", 2048, null), null);
            measure("ECDSA P-256, JDK", "SHA256withECDSA", keys("EC", 256, null), null);
            measure("Ed25519, JDK", "Ed25519", keys("Ed25519", 0, null), null);
            if (bouncyCastle != null) {
                measure("RSA-2048 SHA256withRSA, Bouncy Castle", "SHA256withRSA", keys("RSA", 2048, bouncyCastle), bouncyCastle);
                measure("Ed25519, Bouncy Castle", "Ed25519", keys("Ed25519", 0, bouncyCastle), bouncyCastle);
            }
        }
    }

    private static Provider bouncyCastle() {
        try {
            return (Provider) Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider").getConstructor().newInstance();
        } catch (ReflectiveOperationException notOnTheClassPath) {
            System.out.println("Bouncy Castle is not on the class path: the JDK's providers only");
            return null;
        }
    }

    private static KeyPair keys(String algorithm, int size, Provider provider) throws Exception {
        KeyPairGenerator generator = provider == null ? KeyPairGenerator.getInstance(algorithm)
                : KeyPairGenerator.getInstance(algorithm, provider);
        if (size > 0) {
            generator.initialize(size);
        }
        return generator.generateKeyPair();
    }

    private static void measure(String name, String algorithm, KeyPair keys, Provider provider) throws Exception {
        byte[] signature = sign(algorithm, keys, provider);
        for (int i = 0; i < 200; i++) { // warm-up
            sign(algorithm, keys, provider);
            verify(algorithm, keys, provider, signature);
        }
        int n = 1000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sign(algorithm, keys, provider);
        }
        double signMs = (System.nanoTime() - start) / 1e6 / n;
        start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            verify(algorithm, keys, provider, signature);
        }
        double verifyMs = (System.nanoTime() - start) / 1e6 / n;
        System.out.printf("  %-40s %7.3f / %7.3f%n", name, signMs, verifyMs);
    }

    private static Signature instance(String algorithm, Provider provider) throws Exception {
        return provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
    }

    private static byte[] sign(String algorithm, KeyPair keys, Provider provider) throws Exception {
        Signature signer = instance(algorithm, provider);
        signer.initSign(keys.getPrivate());
        signer.update(DATA);
        return signer.sign();
    }

    private static void verify(String algorithm, KeyPair keys, Provider provider, byte[] signature) throws Exception {
        Signature verifier = instance(algorithm, provider);
        verifier.initVerify(keys.getPublic());
        verifier.update(DATA);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException(algorithm + " did not verify its own signature");
        }
    }
}
