package org.wsemail.wire.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.MessageSignatures;

/**
 * The fuzzers' corpus of valid messages, signed under a root made for the run: the runner writes
 * them as corpus files and the root (with the seeds) to a folder of their own, which the fuzz
 * process reads back ({@value #FOLDER_PROPERTY}).
 */
final class FuzzSeeds {
    static final String FOLDER_PROPERTY = "wsemail.fuzz.seeds";
    private static final MessageCodec CODEC = new MessageCodec();
    private static Set<MailMessage> signedContent;

    /** A root and a server key it certified. */
    record Signing(X509Certificate root, KeyPair serverKey, X509Certificate server) {
    }

    private FuzzSeeds() {
    }

    /** Valid messages of every shape: plain, flagged, with attachments, with odd but legal text. */
    static List<MailMessage> messages() {
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        return List.of(
                MailMessage.builder().messageId("m1@a.test").sender(Address.parse("alice@a.test"))
                        .recipient(Address.parse("bob@b.test")).subject("Lunch?").body("Noon at the usual place.").timestamp(at).build(),
                MailMessage.builder().messageId("m2@a.test").sender(Address.parse("alice@a.test"))
                        .recipient(Address.parse("bob@b.test")).recipient(Address.parse("carol@c.test")).subject("Form")
                        .body("<b>&amp; ünïcödé</b>").flag(MessageFlag.FORM).timestamp(at).build(),
                MailMessage.builder().messageId("m3@a.test").sender(Address.parse("anne@a.test"))
                        .recipient(Address.parse("bob@b.test")).subject("Photos").body("")
                        .attachment(new Attachment("a.jpg", "image/jpeg", new byte[] {1, 2, 3, 4, 5}))
                        .flag(MessageFlag.ENCRYPTED_DELIVERY).timestamp(at).build());
    }

    static Signing signing() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rootKey = generator.generateKeyPair();
        KeyPair serverKey = generator.generateKeyPair();
        X509Certificate root = certificate("CN=fuzz root", rootKey, "CN=fuzz root", rootKey, true, null);
        X509Certificate server = certificate("CN=fuzz root", rootKey, "CN=a.test", serverKey, false, "a.test");
        return new Signing(root, serverKey, server);
    }

    private static X509Certificate certificate(String issuer, KeyPair issuerKey, String subject, KeyPair subjectKey,
            boolean authority, String dnsName) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(30, ChronoUnit.DAYS)), new X500Name(subject), subjectKey.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        if (dnsName != null) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey.getPrivate())));
    }

    /** Seed {@code n}, signed. */
    static String signedSeed(Signing signing, int n) {
        Element element = CODEC.toElement(messages().get(n), "m" + n);
        new MessageSignatures().sign(element, signing.serverKey().getPrivate(), List.of(signing.server(), signing.root()));
        return CODEC.toText(element);
    }

    /** Writes the corpus (signed and unsigned seeds) and, apart, the root and the signed seeds. */
    static void write(Path corpus, Path folder) throws Exception {
        Files.createDirectories(corpus);
        Files.createDirectories(folder);
        Signing signing = signing();
        Files.writeString(folder.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(signing.root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        for (int n = 0; n < messages().size(); n++) {
            String signed = signedSeed(signing, n);
            Files.writeString(corpus.resolve("signed-" + n + ".xml"), signed);
            Files.writeString(folder.resolve("signed-" + n + ".xml"), signed);
            Files.writeString(corpus.resolve("plain-" + n + ".xml"), CODEC.toText(CODEC.toElement(messages().get(n), "m" + n)));
        }
    }

    /** The root the runner wrote. */
    static X509Certificate root() throws Exception {
        try (InputStream in = Files.newInputStream(folder().resolve("root.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** True if this verified message says what one of the seeds said: nothing the signer did not sign. */
    static synchronized boolean saysWhatASeedSaid(MailMessage message) throws IOException {
        if (signedContent == null) {
            Set<MailMessage> seeds = new HashSet<>();
            try (Stream<Path> files = Files.list(folder())) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("signed-")).toList()) {
                    seeds.add(CODEC.read(Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
            signedContent = seeds;
        }
        return signedContent.contains(message);
    }

    private static Path folder() {
        return Path.of(System.getProperty(FOLDER_PROPERTY));
    }

    /** The corpus files, for a quick check that each seed passes its target. */
    static List<Path> corpus(Path corpus) throws IOException {
        try (Stream<Path> files = Files.list(corpus)) {
            return new ArrayList<>(files.sorted().toList());
        }
    }
}
