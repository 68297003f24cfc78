package org.wsemail.itests.e2e;

import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.dns.internal.Dnsmasq;
import org.wsemail.security.Pki;
import org.wsemail.security.SamlTokens;
import org.wsemail.wire.FaultCodes;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.MessageSignatures;
import org.wsemail.wire.soap.DeliverBatch;
import org.wsemail.wire.soap.DeliverBatchResponse;
import org.wsemail.wire.soap.DeliveryStatus;
import org.wsemail.wire.soap.Header;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.MailPeer;
import org.wsemail.wire.soap.SignedMessage;

/**
 * Mail between two real servers started from the distribution: a.test on 127.0.0.2 and b.test on
 * 127.0.0.3, found through their SRV and address records on a real name server (dnsmasq), trusting one CA that
 * the test creates. Users act through the client library and the wsemail command.
 */
public class TwoDomainsIT {
    private static final Duration MAIL_WAIT = Duration.ofSeconds(60);
    private static final Pki.CertifiedKey CA = Pki.createAuthority("E2E test CA", Duration.ofDays(1));

    private static Path root;
    private static Dnsmasq dns;
    private static ServerProcess a;
    private static ServerProcess b;
    private static Path caPem;

    @BeforeClass
    public static void startTwoDomains() throws Exception {
        root = Path.of("target", "e2e").toAbsolutePath();
        ServerProcess.deleteRecursively(root);
        Files.createDirectories(root);
        Path archive = Path.of(System.getProperty("wsemail.assembly"));
        caPem = root.resolve("ca.pem");
        Pki.writePem(caPem, CA.certificate());

        a = new ServerProcess(archive, root, "a.test", "127.0.0.2", 18200);
        b = new ServerProcess(archive, root, "b.test", "127.0.0.3", 18300);
        dns = new Dnsmasq(60, List.of("mail.a.test,127.0.0.2", "mail.b.test,127.0.0.3"),
                "_wsemail._tcp.a.test,mail.a.test," + a.tlsPort + ",10,0",
                "_wsemail._tcp.b.test,mail.b.test," + b.tlsPort + ",10,0",
                // c.test's record points at b.test's server, whose certificate does not name c.test
                "_wsemail._tcp.c.test,mail.b.test," + b.tlsPort + ",10,0");
        // Mutual TLS from a.test to b.test: a presents its certificate, b asks for one (users without one still connect).
        a.credentials(CA);
        a.presentCertificateToPeers();
        b.credentials(CA, "tls.client.auth = want");
        for (ServerProcess server : List.of(a, b)) {
            server.nameServer(dns.address());
            server.launch();
        }
        a.awaitReady();
        b.awaitReady();
        assertTrue(a.shell("wsemail:user-add --password-file " + passwordFile("alice-password-1") + " alice@a.test",
                "wsemail:user-add --password-file " + passwordFile("anne-password-1") + " anne@a.test").contains("Added user anne@a.test"));
        assertTrue(b.shell("wsemail:user-add --password-file " + passwordFile("bob-password-12") + " bob@b.test").contains("Added user bob@b.test"));
    }

    @AfterClass
    public static void stopTwoDomains() throws Exception {
        for (ServerProcess server : new ServerProcess[] {a, b}) {
            if (server != null) {
                run(List.of(server.home.resolve("bin/wsemail").toString()), "", "agent-stop");
            }
        }
        for (AutoCloseable resource : new AutoCloseable[] {a, b, dns}) {
            if (resource != null) {
                resource.close();
            }
        }
    }

    private static WsemailClient client(ServerProcess server, String user, String password) {
        return new WsemailClient(server.base(), Address.parse(user), password.toCharArray(),
                Set.of(new TrustAnchor(CA.certificate(), null)));
    }

    private static WsemailClient alice() {
        return client(a, "alice@a.test", "alice-password-1");
    }

    private static WsemailClient bob() {
        return client(b, "bob@b.test", "bob-password-12");
    }

    private static Optional<Header> awaitMessage(WsemailClient owner, String subject) throws Exception {
        long deadline = System.nanoTime() + MAIL_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Header> found = find(owner, subject);
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(250);
        }
        return Optional.empty();
    }

    private static Optional<Header> find(WsemailClient owner, String subject) throws WsemailException {
        return owner.inbox(Instant.EPOCH).stream().filter(h -> h.getSubject().equals(subject)).findFirst();
    }

    /** The wsemail command of the a.test distribution, run as a user would. */
    private static String wsemail(ServerProcess server, String user, String password, String... command) throws Exception {
        return run(List.of(server.home.resolve("bin/wsemail").toString(), "--server", server.base().toString(), "--user", user,
                "--trust", caPem.toString()), password, command);
    }

    @Test
    public void everydayCommandsRunInTheWarmClientExactlyAsInTheirOwnProcess() throws Exception {
        a.shell("wsemail:user-add --password-file " + passwordFile("dora-password-1") + " dora@a.test");
        List<String> dora = List.of(a.home.resolve("bin/wsemail").toString(), "--server", a.base().toString(), "--user",
                "dora@a.test", "--trust", caPem.toString());
        String sent = run(dora, "dora-password-1", "send", "--to", "dora@a.test", "--subject", "Through the agent", "--body", "warm");
        assertTrue(sent, sent.startsWith("exit 0\nSent "));
        Header arrived = awaitMessage(client(a, "dora@a.test", "dora-password-1"), "Through the agent")
                .orElseThrow(() -> new AssertionError("dora never got it"));
        String warm = run(dora, "dora-password-1", "read", String.valueOf(arrived.getId()));
        String again = run(dora, "dora-password-1", "inbox");
        java.util.Map<String, String> ownProcess = java.util.Map.of("WSEMAIL_PASSWORD", "dora-password-1", "WSEMAIL_AGENT", "off");
        assertTrue(warm, warm.startsWith("exit 0\n") && warm.contains("Signature: verified, signed by a.test"));
        assertEquals(run(dora, ownProcess, "read", String.valueOf(arrived.getId())), warm);
        assertEquals(run(dora, ownProcess, "inbox"), again);
        assertEquals("exit 1\nwsemail: the server refused the user name or password (NotAuthenticated)\n",
                run(dora, "not-doras-password", "inbox"));
        assertEquals("the commands went to a running agent, which stops on request", "exit 0\nThe agent stopped.\n",
                run(List.of(a.home.resolve("bin/wsemail").toString()), "", "agent-stop"));
        assertEquals("exit 0\nNo agent is running.\n", run(List.of(a.home.resolve("bin/wsemail").toString()), "", "agent-stop"));
    }

    @Test
    public void mailCrossesDomainsSignedAndArrivesLocallyToo() throws Exception {
        String sent = wsemail(a, "alice@a.test", "alice-password-1", "send", "--to", "bob@b.test,anne@a.test",
                "--subject", "Lunch on Friday?", "--body", "The usual place at noon.");
        assertTrue(sent, sent.startsWith("exit 0\nSent "));

        Header atBob = awaitMessage(bob(), "Lunch on Friday?").orElseThrow(() -> new AssertionError("bob never got it"));
        assertEquals("alice@a.test", atBob.getSender());
        String read = wsemail(b, "bob@b.test", "bob-password-12", "read", String.valueOf(atBob.getId()));
        assertTrue(read, read.startsWith("exit 0\n"));
        assertTrue(read, read.contains("From:      alice@a.test"));
        assertTrue(read, read.contains("Signature: verified, signed by a.test"));
        assertTrue("a.test signs with its Ed25519 message signing key, which b.test checked: " + read,
                read.contains("Ed25519 key)"));
        assertTrue(read, read.contains("The usual place at noon."));

        WsemailClient anne = client(a, "anne@a.test", "anne-password-1");
        Header atAnne = awaitMessage(anne, "Lunch on Friday?").orElseThrow(() -> new AssertionError("anne never got it"));
        ReadMessage first = anne.read(atAnne.getId());
        long firstBytes = anne.lastResponseBytes();
        assertTrue(first.signatureReport(), first.verified());
        // Read again, the signer's certificate is one anne's client holds: her server names it by its
        // digest instead of sending it again, and her client checks the signature just the same.
        ReadMessage again = anne.read(atAnne.getId());
        assertEquals(first, again);
        assertTrue("the certificate's base64 was not sent again: " + firstBytes + " then " + anne.lastResponseBytes() + " bytes",
                firstBytes - anne.lastResponseBytes() > 400);

        String deleted = wsemail(b, "bob@b.test", "bob-password-12", "delete", String.valueOf(atBob.getId()));
        assertTrue(deleted, deleted.contains("Deleted 1 of 1 message"));
        assertTrue(find(bob(), "Lunch on Friday?").isEmpty());
    }

    @Test
    public void aWrongPasswordIsRefusedAndNothingIsSent() throws Exception {
        try {
            client(a, "alice@a.test", "not-her-password").send(List.of(Address.parse("bob@b.test")), "Forged", "x");
            fail("sent with a wrong password");
        } catch (WsemailException expected) {
            assertEquals(WsemailException.NOT_AUTHENTICATED, expected.code());
        }
        String cli = wsemail(a, "alice@a.test", "not-her-password", "inbox");
        assertTrue(cli, cli.startsWith("exit 1\n"));
        assertTrue(cli, cli.contains("the server refused the user name or password"));
        Thread.sleep(2000);
        assertTrue(find(bob(), "Forged").isEmpty());
        assertFalse(a.shell("wsemail:queue-list --no-format").contains("alice@a.test"));
    }

    @Test
    public void unknownLocalRecipientsAndOversizedMessagesAreRefusedAtOnceAndNothingIsSent() throws Exception {
        try {
            alice().send(List.of(Address.parse("bob@b.test"), Address.parse("nobody@a.test")), "Half right", "x");
            fail("accepted an unknown local recipient");
        } catch (WsemailException expected) {
            assertEquals(FaultCodes.UNKNOWN_RECIPIENT, expected.code());
            assertEquals("no such user: nobody@a.test; nothing was sent", expected.getMessage());
        }
        try {
            alice().send(List.of(Address.parse("bob@b.test")), "Too big", "x".repeat(100 * 1024));
            fail("accepted a message over the limit");
        } catch (WsemailException expected) {
            assertEquals(FaultCodes.MESSAGE_TOO_LARGE, expected.code());
            assertTrue(expected.getMessage(), expected.getMessage().contains("this server accepts at most 65536"));
        }
        Thread.sleep(2000);
        assertTrue(find(bob(), "Half right").isEmpty());
        assertTrue(find(bob(), "Too big").isEmpty());
        assertFalse(a.shell("wsemail:queue-list --no-format").contains("alice@a.test"));
    }

    @Test
    public void mailForAnUnknownUserComesBackAsABounce() throws Exception {
        alice().send(List.of(Address.parse("nobody@b.test")), "Are you there?", "Hello?");

        Header bounce = awaitMessage(alice(), "Undelivered mail: Are you there?")
                .orElseThrow(() -> new AssertionError("no bounce reached alice"));
        assertEquals("postmaster@a.test", bounce.getSender());
        ReadMessage read = alice().read(bounce.getId());
        assertTrue(read.message().body(), read.message().body().contains("nobody@b.test: no such user: nobody@b.test"));
        assertTrue(read.signatureReport(), read.verified());
    }

    /**
     * Three messages wait while b.test is down, and wait on through a restart of a.test; when a.test
     * starts again all three are due, so that its queue hands them over in one batch call.
     */
    @Test
    public void mailWaitsInTheQueueWhileTheReceiverIsDownAndArrivesWhenItStarts() throws Exception {
        b.stop();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                ids.add(alice().send(List.of(Address.parse("bob@b.test")), "Sent while you were away " + i, "Welcome back."));
            }
            String peerUrl = "https://127.0.0.3:" + b.tlsPort + "/wsemail/peer: ";
            String queued = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (queued.split(java.util.regex.Pattern.quote(peerUrl), -1).length < 4 && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                queued = a.shell("wsemail:queue-list --no-format");
            }
            String seen = queued;
            assertTrue("the messages wait, each saying why: " + queued, ids.stream().allMatch(seen::contains)
                    && queued.split(java.util.regex.Pattern.quote(peerUrl), -1).length == 4);
            a.stop();
        } finally {
            b.start();
        }
        a.start();
        String flushed = a.shell("wsemail:queue-retry --all");
        assertTrue(flushed, flushed.matches("(?s).*\\d+ queue entries will be tried now.*"));
        for (int i = 1; i <= 3; i++) {
            Header arrived = awaitMessage(bob(), "Sent while you were away " + i)
                    .orElseThrow(() -> new AssertionError("a queued message did not arrive after both servers started"));
            ReadMessage read = bob().read(arrived.getId());
            assertTrue(read.signatureReport(), read.verified());
        }
        assertFalse(a.shell("wsemail:queue-list --no-format").contains("bob@b.test"));
        String log = Files.readString(a.home.resolve("data/log/karaf.log"));
        assertFalse("b.test took the three in one call", log.contains("did not take"));
    }

    /**
     * A batch of messages is taken message by message: a forged one among good ones is refused with
     * its own fault and stored nowhere, the good ones are delivered.
     */
    @Test
    public void aForgedMessageInABatchIsRefusedAloneAndTheOthersAreDelivered() throws Exception {
        Pki.CertifiedKey impostor = Pki.issueServerCertificate(CA, "evil.test", Duration.ofDays(1));
        Pki.CertifiedKey aServer = Pki.issueServerCertificate(CA, "a.test", Duration.ofDays(1));
        List<DeliverBatch.Parcel> parcels = new ArrayList<>();
        for (String subject : List.of("Batch good 1", "Batch forged", "Batch good 2")) {
            MailMessage message = MailMessage.builder().messageId(subject.replace(' ', '-') + "-" + System.nanoTime() + "@a.test")
                    .sender(Address.parse("alice@a.test")).recipient(Address.parse("bob@b.test")).subject(subject)
                    .body("One of three.").build();
            Element element = new MessageCodec().toElement(message, "m-" + System.nanoTime());
            Pki.CertifiedKey signer = subject.contains("forged") ? impostor : aServer;
            new MessageSignatures().sign(element, signer.keyPair().getPrivate(), List.of(signer.certificate(), CA.certificate()));
            SignedMessage signed = new SignedMessage();
            signed.setAny(element);
            DeliverBatch.Parcel parcel = new DeliverBatch.Parcel();
            parcel.setSignedMessage(signed);
            parcel.getRecipient().add("bob@b.test");
            parcels.add(parcel);
        }

        List<DeliverBatchResponse.Outcome> outcomes = b.peer().deliverBatch(parcels);

        assertEquals(3, outcomes.size());
        assertEquals(DeliveryStatus.STORED, outcomes.get(0).getResult().get(0).getStatus());
        assertEquals(FaultCodes.SIGNATURE_INVALID, outcomes.get(1).getRefused().getCode());
        assertTrue(outcomes.get(1).getRefused().getMessage(),
                outcomes.get(1).getRefused().getMessage().contains("no trusted root may certify evil.test"));
        assertEquals(DeliveryStatus.STORED, outcomes.get(2).getResult().get(0).getStatus());
        assertTrue(awaitMessage(bob(), "Batch good 2").isPresent());
        assertTrue(find(bob(), "Batch good 1").isPresent());
        assertTrue("the forged message is stored nowhere", find(bob(), "Batch forged").isEmpty());
    }

    @Test
    public void mailIsNotHandedToAServerWhoseCertificateNamesAnotherDomain() throws Exception {
        String id = alice().send(List.of(Address.parse("carol@c.test")), "For c.test only", "Secret.");
        String reason = "the server's certificate names [b.test], not c.test";
        String queued = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!queued.contains(reason) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            queued = a.shell("wsemail:queue-list --no-format");
        }
        assertTrue("the message waits, saying why: " + queued, queued.contains(id) && queued.contains(reason));
        a.shell("wsemail:queue-delete " + queuedEntry(queued, id));
    }

    /** The queue entry number of message {@code id} in a queue-list table. */
    private static String queuedEntry(String table, String id) {
        return table.lines().filter(line -> line.contains(id)).findFirst().orElseThrow().trim().split("\\s+")[0];
    }

    @Test
    public void mailAskedToBeEncryptedTravelsEncryptedToTheReceivingServer() throws Exception {
        long mark = b.logMark();
        String sent = wsemail(a, "alice@a.test", "alice-password-1", "send", "--to", "bob@b.test", "--subject", "Sealed",
                "--body", "For the eyes of b.test only.", "--encrypt");
        assertTrue(sent, sent.startsWith("exit 0\nSent "));
        String id = sent.split("\\s+")[3];
        Header arrived = awaitMessage(bob(), "Sealed").orElseThrow(() -> new AssertionError("bob never got it"));
        ReadMessage read = bob().read(arrived.getId());
        assertTrue(read.verified());
        assertEquals("For the eyes of b.test only.", read.message().body());
        assertTrue(read.message().flags().contains(MessageFlag.ENCRYPTED_DELIVERY));
        String log = b.logSince(mark);
        assertTrue("b.test decrypted it: " + log, log.lines().anyMatch(line -> line.contains("Delivered message " + id)
                && line.contains("encrypted to this server")));

        // A message that asks for encrypted delivery but arrives in clear is refused, not stored.
        Pki.CertifiedKey aServer = Pki.issueServerCertificate(CA, "a.test", Duration.ofDays(1));
        MailMessage flagged = MailMessage.builder().messageId("sealed-in-clear@a.test").sender(Address.parse("alice@a.test"))
                .recipient(Address.parse("bob@b.test")).subject("Sealed, but not really").body("Anyone could read this.")
                .flags(java.util.EnumSet.of(MessageFlag.ENCRYPTED_DELIVERY)).build();
        Element element = new MessageCodec().toElement(flagged, "m-clear");
        new MessageSignatures().sign(element, aServer.keyPair().getPrivate(), List.of(aServer.certificate(), CA.certificate()));
        SignedMessage signed = new SignedMessage();
        signed.setAny(element);
        try {
            b.peer().deliver(signed, List.of("bob@b.test"));
            fail("b.test stored a message that asked for encryption but came in clear");
        } catch (MailFault fault) {
            assertEquals(FaultCodes.BAD_REQUEST, fault.getFaultInfo().getCode());
            assertTrue(fault.getFaultInfo().getMessage(), fault.getFaultInfo().getMessage().contains("arrived unencrypted"));
        }

        // The same, encrypted by hand: with RSA-OAEP and AES-256-GCM it is accepted (the control),
        // with RSA 1.5 key transport and AES-CBC it is refused.
        deliverEncrypted(flagged.toBuilder().messageId("sealed-by-hand@a.test").subject("Sealed by hand").build(), aServer,
                org.apache.wss4j.dom.WSConstants.KEYTRANSPORT_RSAOAEP_XENC11, org.apache.wss4j.dom.WSConstants.AES_256_GCM);
        assertTrue(awaitMessage(bob(), "Sealed by hand").isPresent());
        try {
            deliverEncrypted(flagged.toBuilder().messageId("sealed-weakly@a.test").subject("Sealed with RSA 1.5").build(), aServer,
                    org.apache.wss4j.dom.WSConstants.KEYTRANSPORT_RSA15, org.apache.wss4j.dom.WSConstants.AES_128);
            fail("b.test accepted RSA 1.5 key transport");
        } catch (javax.xml.ws.soap.SOAPFaultException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("security"));
        }
        assertTrue(find(bob(), "Sealed, but not really").isEmpty());
        assertTrue(find(bob(), "Sealed with RSA 1.5").isEmpty());
    }

    /** Delivers a message to b.test signed as a.test, its body encrypted with the given algorithms to b.test's certificate. */
    private static void deliverEncrypted(MailMessage message, Pki.CertifiedKey signer, String keyTransport, String cipher) throws Exception {
        java.util.Map<String, Object> encryption = new java.util.HashMap<>();
        encryption.put(org.apache.wss4j.common.ConfigurationConstants.ACTION, org.apache.wss4j.common.ConfigurationConstants.ENCRYPTION);
        encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENCRYPTION_USER, "receiver");
        encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENC_PROP_REF_ID, "receiverCrypto");
        java.security.KeyStore receiver = java.security.KeyStore.getInstance("PKCS12");
        receiver.load(null, null);
        receiver.setCertificateEntry("receiver", b.tlsCertificate());
        org.apache.wss4j.common.crypto.Merlin crypto = new org.apache.wss4j.common.crypto.Merlin();
        crypto.setKeyStore(receiver);
        encryption.put("receiverCrypto", crypto);
        encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENC_KEY_ID, "DirectReference");
        encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENC_KEY_TRANSPORT, keyTransport);
        encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENC_SYM_ALGO, cipher);
        if (keyTransport.equals(org.apache.wss4j.dom.WSConstants.KEYTRANSPORT_RSAOAEP_XENC11)) {
            encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENC_DIGEST_ALGO, org.apache.wss4j.dom.WSConstants.SHA256);
            encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENC_MGF_ALGO, org.apache.wss4j.dom.WSConstants.MGF_SHA256);
        }
        encryption.put(org.apache.wss4j.common.ConfigurationConstants.ENCRYPTION_PARTS,
                "{Content}{http://schemas.xmlsoap.org/soap/envelope/}Body");
        Element element = new MessageCodec().toElement(message, "m-" + System.nanoTime());
        new MessageSignatures().sign(element, signer.keyPair().getPrivate(), List.of(signer.certificate(), CA.certificate()));
        SignedMessage signed = new SignedMessage();
        signed.setAny(element);
        b.peer(new org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor(encryption)).deliver(signed, List.of("bob@b.test"));
    }

    @Test
    public void aMessageSignedWithAnotherDomainsCertificateIsRefused() throws Exception {
        Pki.CertifiedKey impostor = Pki.issueServerCertificate(CA, "evil.test", Duration.ofDays(1));
        MailMessage forged = MailMessage.builder().messageId("forged-1@a.test").sender(Address.parse("alice@a.test"))
                .recipient(Address.parse("bob@b.test")).subject("Wire the money").body("Now, please.").build();
        MessageCodec codec = new MessageCodec();
        Element element = codec.toElement(forged, "m-forged");
        new MessageSignatures().sign(element, impostor.keyPair().getPrivate(), List.of(impostor.certificate(), CA.certificate()));

        MailPeer peer = b.peer();
        SignedMessage signed = new SignedMessage();
        signed.setAny(element);
        try {
            peer.deliver(signed, List.of("bob@b.test"));
            fail("b.test accepted a message from a.test signed by evil.test");
        } catch (MailFault fault) {
            assertEquals(FaultCodes.SIGNATURE_INVALID, fault.getFaultInfo().getCode());
            assertTrue(fault.getFaultInfo().getMessage(), fault.getFaultInfo().getMessage().contains("no trusted root may certify evil.test"));
        }
        assertTrue(find(bob(), "Wire the money").isEmpty());
    }

    /** Delivers to bob@b.test, as b.test's peers do, a message signed with {@code signer} under {@code issuer}. */
    private static void deliverSigned(Pki.CertifiedKey signer, Pki.CertifiedKey issuer, String messageId, String sender,
            String subject) throws MailFault {
        MailMessage message = MailMessage.builder().messageId(messageId).sender(Address.parse(sender))
                .recipient(Address.parse("bob@b.test")).subject(subject).body("Signed by " + issuer.certificate()
                        .getSubjectX500Principal().getName()).build();
        Element element = new MessageCodec().toElement(message, "m-" + messageId.replaceAll("[^A-Za-z0-9]", ""));
        new MessageSignatures().sign(element, signer.keyPair().getPrivate(), List.of(signer.certificate(), issuer.certificate()));
        SignedMessage signed = new SignedMessage();
        signed.setAny(element);
        b.peer().deliver(signed, List.of("bob@b.test"));
    }

    private static void assertSignatureRefused(String what, String expected, MailFaultCall call) {
        try {
            call.run();
            fail(what + " was accepted");
        } catch (MailFault fault) {
            assertEquals(FaultCodes.SIGNATURE_INVALID, fault.getFaultInfo().getCode());
            assertTrue(what + ": " + fault.getFaultInfo().getMessage(), fault.getFaultInfo().getMessage().contains(expected));
        }
    }

    private interface MailFaultCall {
        void run() throws MailFault;
    }

    /**
     * Three domains, two authorities: both servers trust c.test's own authority for c.test alone.
     * Its word on c.test counts; what it certifies for a.test or b.test is refused, in relayed mail's
     * signatures and in visitors' tokens.
     */
    @Test
    public void anAuthorityTrustedForOneDomainCannotSpeakForAnother() throws Exception {
        Pki.CertifiedKey cAuthority = Pki.createAuthority("c.test's own CA", Duration.ofDays(1));
        Path cAuthorityPem = root.resolve("c-ca.pem");
        Pki.writePem(cAuthorityPem, cAuthority.certificate());
        for (ServerProcess server : List.of(a, b)) {
            // c.test's servers are not reachable here to fetch its revocation list from: the administrator places it.
            server.revocationList("c-ca.crl", cAuthority, Map.of());
            String added = server.shell("wsemail:trust-add --domains c.test " + cAuthorityPem);
            assertTrue(added, added.contains("Now trusting O=WSEmail,CN=c.test's own CA for c.test"));
        }
        String listed = b.shell("wsemail:trust-list --no-format");
        assertTrue(listed, listed.lines().anyMatch(l -> l.contains("c.test's own CA") && l.contains("c.test")));

        Pki.CertifiedKey genuineC = Pki.issueServerCertificate(cAuthority, "c.test", Duration.ofDays(1));
        deliverSigned(genuineC, cAuthority, "own-1@c.test", "carl@c.test", "From c.test, signed by its own CA");
        assertTrue("c.test's authority vouches for c.test", awaitMessage(bob(), "From c.test, signed by its own CA").isPresent());

        Pki.CertifiedKey fakeA = Pki.issueServerCertificate(cAuthority, "a.test", Duration.ofDays(1));
        assertSignatureRefused("a.test's mail signed under c.test's authority", "is not trusted for a.test",
                () -> deliverSigned(fakeA, cAuthority, "fake-1@a.test", "alice@a.test", "Signed as a.test by c.test's CA"));

        Path p12 = bobsCertificate();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, BOB_P12_SECRET);
        }
        java.security.cert.X509Certificate bobsKey = (java.security.cert.X509Certificate) store.getCertificate(store.aliases().nextElement());
        Pki.CertifiedKey fakeB = Pki.issueServerCertificate(cAuthority, "b.test", Duration.ofDays(1));
        Element token = SamlTokens.issue(fakeB, List.of(fakeB.certificate(), cAuthority.certificate()), "b.test", "bob@b.test",
                bobsKey, "a.test", Instant.now(), Duration.ofMinutes(5));
        long mark = a.logMark();
        assertTokenRefused("for b.test, signed under c.test's authority",
                WsemailClient.visiting(a.base(), "a.test", token, p12, BOB_P12_SECRET, trustCa()));
        assertTrue(a.logSince(mark), a.logSince(mark).contains("Refused a federated identity token claiming issuer b.test"));
        assertTrue(find(bob(), "Signed as a.test by c.test's CA").isEmpty());

        // The same authority's token for a user of c.test is good: the binding, not the authority, refused the other.
        Pki.CertifiedKey carl = Pki.issueUserCertificate(cAuthority, "carl@c.test", Duration.ofDays(1));
        Path carlP12 = root.resolve("carl.p12");
        Files.write(carlP12, Pki.keyStoreBytes(BOB_P12_SECRET, "carl@c.test", carl, cAuthority.certificate()));
        Element carlsToken = SamlTokens.issue(genuineC, List.of(genuineC.certificate(), cAuthority.certificate()), "c.test",
                "carl@c.test", carl.certificate(), "a.test", Instant.now(), Duration.ofMinutes(5));
        WsemailClient.visiting(a.base(), "a.test", carlsToken, carlP12, BOB_P12_SECRET, trustCa())
                .send(List.of(Address.parse("alice@a.test")), "Carl visits", "With a token from c.test.");
        assertTrue(awaitMessage(alice(), "Carl visits").isPresent());
    }

    /** A server certificate the authority has revoked signs no more mail, once its revocation list says so. */
    @Test
    public void mailSignedWithARevokedServerCertificateIsRefusedOnceTheListNamesIt() throws Exception {
        Pki.CertifiedKey cServer = Pki.issueServerCertificate(CA, "c.test", Duration.ofDays(1));
        deliverSigned(cServer, CA, "before-revocation@c.test", "carl@c.test", "Before the revocation");
        assertTrue(awaitMessage(bob(), "Before the revocation").isPresent());

        b.revocationList(CA, Map.of(cServer.certificate().getSerialNumber(), Instant.now()));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int attempt = 0;
            while (true) {
                try {
                    deliverSigned(cServer, CA, "after-revocation-" + attempt++ + "@c.test", "carl@c.test", "After the revocation");
                    assertTrue("b.test never took up the revocation", System.nanoTime() < deadline);
                    Thread.sleep(500);
                } catch (MailFault fault) {
                    assertEquals(FaultCodes.SIGNATURE_INVALID, fault.getFaultInfo().getCode());
                    assertTrue(fault.getFaultInfo().getMessage(), fault.getFaultInfo().getMessage().contains("revoked"));
                    break;
                }
            }
        } finally {
            b.revocationList(CA, Map.of());
        }
    }

    @Test
    public void theSizeLimitPlugInStripsOrRefusesOversizedAttachmentsOfRealMail() throws Exception {
        String version = System.getProperty("wsemail.version");
        String installed = a.shell("wsemail:plugin-install mvn:org.wsemail.plugins/size-limit/" + version,
                "config:edit org.wsemail.plugins.sizelimit", "config:property-set max.attachment.kib 10",
                "config:property-set action strip", "config:update");
        assertTrue(installed, installed.contains("Plug-in size-limit (sending)"));
        try {
            awaitSendingPlugInSetting(a, "action = strip");
            alice().send(List.of(Address.parse("bob@b.test")), "Photos", "Two pictures.", List.of(
                    new Attachment("small.jpg", "image/jpeg", new byte[1024]),
                    new Attachment("huge.jpg", "image/jpeg", new byte[20 * 1024])));
            Header photos = awaitMessage(bob(), "Photos").orElseThrow(() -> new AssertionError("bob never got the photos"));
            ReadMessage read = bob().read(photos.getId());
            assertEquals(List.of("small.jpg"), read.message().attachments().stream().map(Attachment::name).toList());
            assertTrue(read.message().body(), read.message().body().contains("over the 10 KiB limit for attachments: huge.jpg (20 KiB)"));
            assertTrue("the stripped message is what a.test signed", read.verified());

            a.shell("config:edit org.wsemail.plugins.sizelimit", "config:property-set action reject", "config:update");
            awaitSendingPlugInSetting(a, "action = reject");
            try {
                alice().send(List.of(Address.parse("bob@b.test")), "Photos again", "x",
                        List.of(new Attachment("huge.jpg", "image/jpeg", new byte[20 * 1024])));
                fail("sent an attachment over the limit");
            } catch (WsemailException expected) {
                assertEquals(FaultCodes.REJECTED, expected.code());
                assertEquals("the attachment huge.jpg is 20 KiB; this server accepts attachments up to 10 KiB", expected.getMessage());
            }
        } finally {
            a.shell("wsemail:plugin-uninstall size-limit");
        }
    }

    /**
     * Waits until a sending plug-in's service carries {@code setting} ("name = value"): Declarative
     * Services publishes a component's configuration with its service once the component has it, so
     * from then on mail meets the plug-in with that setting.
     */
    private static void awaitSendingPlugInSetting(ServerProcess server, String setting) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String services = "";
        while (!services.contains(setting)) {
            if (System.nanoTime() > deadline) {
                fail("no sending plug-in took the setting " + setting + ": " + services);
            }
            Thread.sleep(250);
            services = server.shell("service:list org.wsemail.api.plugin.SendingProcessor");
        }
    }

    @Test
    public void theRelayControlPlugInDecidesWhoMaySendToOtherDomains() throws Exception {
        String version = System.getProperty("wsemail.version");
        a.shell("wsemail:plugin-install mvn:org.wsemail.plugins/relay-control/" + version);
        try {
            alice().send(List.of(Address.parse("bob@b.test")), "Relayed for a local user", "x");
            assertTrue(awaitMessage(bob(), "Relayed for a local user").isPresent());

            a.shell("config:edit org.wsemail.plugins.relaycontrol", "config:property-set local.users.may.relay false", "config:update");
            awaitSendingPlugInSetting(a, "local.users.may.relay = false");
            try {
                alice().send(List.of(Address.parse("bob@b.test")), "Not relayed", "x");
                fail("relayed although relaying is closed");
            } catch (WsemailException expected) {
                assertEquals(FaultCodes.REJECTED, expected.code());
                assertEquals("users of a.test may send only to a.test through this server; not to bob@b.test", expected.getMessage());
            }
            WsemailClient anne = client(a, "anne@a.test", "anne-password-1");
            alice().send(List.of(Address.parse("anne@a.test")), "Still local", "x");
            assertTrue(awaitMessage(anne, "Still local").isPresent());
        } finally {
            a.shell("wsemail:plugin-uninstall relay-control", "config:delete org.wsemail.plugins.relaycontrol");
        }
    }

    @Test
    public void theVacationPlugInAnswersOncePerSenderWithASignedBulkReply() throws Exception {
        String version = System.getProperty("wsemail.version");
        b.shell("wsemail:plugin-install mvn:org.wsemail.plugins/vacation/" + version);
        try {
            Element set = element("set");
            child(set, "message", "I am away until Monday.");
            child(set, "until", Instant.now().plus(Duration.ofDays(3)).toString());
            child(set, "days", "7");
            assertEquals("true", bob().extension("vacation", set).getAttribute("active"));

            alice().send(List.of(Address.parse("bob@b.test")), "Meeting on Friday?", "Shall we?");
            Header reply = awaitMessage(alice(), "Auto-reply: Meeting on Friday?")
                    .orElseThrow(() -> new AssertionError("no vacation reply reached alice"));
            assertEquals("bob@b.test", reply.getSender());
            ReadMessage read = alice().read(reply.getId());
            assertEquals("I am away until Monday.", read.message().body());
            assertTrue("signed by b.test: " + read.signatureReport(), read.verified());
            assertTrue("b.test signs with its RSA server key, as servers without a message signing key do, and a.test "
                    + "checked it: " + read.signatureReport(), read.signatureReport().endsWith("RSA key)"));

            alice().send(List.of(Address.parse("bob@b.test")), "Meeting on Friday, again?", "Well?");
            assertTrue(awaitMessage(bob(), "Meeting on Friday, again?").isPresent());
            Thread.sleep(2000);
            assertEquals("one reply per sender per period", 1, alice().inbox(Instant.EPOCH).stream()
                    .filter(h -> h.getSubject().startsWith("Auto-reply: Meeting on Friday")).count());
        } finally {
            b.shell("wsemail:plugin-uninstall vacation");
        }
    }

    @Test
    public void theNewMailNotificationPlugInTellsTheClientOfEachDelivery() throws Exception {
        String version = System.getProperty("wsemail.version");
        b.shell("wsemail:plugin-install mvn:org.wsemail.plugins/new-mail-notification/" + version);
        try (java.net.DatagramSocket client = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(30_000);
            Element register = element("register");
            register.setAttribute("host", "127.0.0.1");
            register.setAttribute("port", String.valueOf(client.getLocalPort()));
            try {
                bob().extension("new-mail-notification", register);
                fail("a loopback notification target was accepted by default");
            } catch (WsemailException refused) {
                assertTrue(refused.getMessage(), refused.getMessage().contains("127.0.0.1 is an internal address"));
            }
            // Here the client is on the server's own host: the administrator allows internal targets.
            b.shell("config:edit org.wsemail.plugins.newmailnotification", "config:property-set allow.private.targets true",
                    "config:update");
            awaitPlugInAccepts(register);
            assertEquals("true", bob().extension("new-mail-notification", register).getAttribute("active"));

            alice().send(List.of(Address.parse("bob@b.test")), "You have mail", "Ping.");
            java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[512], 512);
            client.receive(packet);
            assertEquals("NEW-MAIL bob@b.test alice@a.test You have mail",
                    new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
            bob().extension("new-mail-notification", element("unregister"));
        } finally {
            b.shell("wsemail:plugin-uninstall new-mail-notification");
        }
    }

    /** Waits until the reconfigured notification plug-in accepts a registration. */
    private static void awaitPlugInAccepts(Element register) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                bob().extension("new-mail-notification", register);
                return;
            } catch (WsemailException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    @Test
    public void theAddressBookPlugInIsTheDomainsDirectory() throws Exception {
        String version = System.getProperty("wsemail.version");
        a.shell("wsemail:plugin-install mvn:org.wsemail.plugins/address-book/" + version);
        try {
            Element publish = element("publish");
            publish.setAttribute("name", "Anne Able");
            client(a, "anne@a.test", "anne-password-1").extension("address-book", publish);

            Element search = element("search");
            search.setAttribute("query", "able");
            Element entries = alice().extension("address-book", search);
            Element entry = (Element) entries.getFirstChild();
            assertEquals("anne@a.test", entry.getAttribute("address"));
            assertEquals("Anne Able", entry.getAttribute("name"));
            assertEquals(null, entry.getNextSibling());

            String listed = wsemail(a, "alice@a.test", "alice-password-1", "address-book", "able");
            assertTrue(listed, listed.startsWith("exit 0\n") && listed.matches("(?s).*anne@a\\.test +Anne Able.*"));
            String answer = wsemail(a, "alice@a.test", "alice-password-1", "extension", "address-book", "<search query=\"ABLE\"/>");
            assertTrue(answer, answer.startsWith("exit 0\n") && answer.contains("address=\"anne@a.test\"")
                    && answer.contains("name=\"Anne Able\""));
        } finally {
            a.shell("wsemail:plugin-uninstall address-book");
        }
    }

    /** bob's certificate from b.test's own authority (made on first use), as a PKCS#12 file. */
    private static synchronized Path bobsCertificate() throws Exception {
        Path p12 = root.resolve("bob.p12");
        if (!Files.exists(p12)) {
            b.shell("wsemail:ca-create");
            b.shell("wsemail:cert-issue-user --password-file " + passwordFile("bob-p12-secret") + " --out " + p12 + " bob@b.test");
        }
        return p12;
    }

    private static final char[] BOB_P12_SECRET = "bob-p12-secret".toCharArray();

    private static Set<TrustAnchor> trustCa() {
        return Set.of(new TrustAnchor(CA.certificate(), null));
    }

    /**
     * The visitor endpoint's served contract states its policy (a SAML token, endorsing), and CXF's
     * own dispatch client built from it sends as Bob with only his credentials: the token his
     * server issued, his key, and (as for every signed request) the RSA-SHA256 algorithm, which
     * WS-SecurityPolicy 1.2 cannot name.
     */
    @Test
    public void aPlainCxfClientVisitsWithItsTokenAsTheServedContractStates() throws Exception {
        Path p12 = bobsCertificate();
        Element token = WsemailClient.withCertificate(b.base(), p12, BOB_P12_SECRET, trustCa()).requestToken("a.test");
        PlainCxfClient visitor = PlainCxfClient.of(java.net.URI.create(a.base() + "/client-federated"), a.tls(),
                a.home.getParent().resolve("visitor-contract"));
        String stated = visitor.contract();
        assertTrue(stated, stated.contains("SamlToken") && stated.contains("EndorsingSupportingTokens"));
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            keys.load(in, BOB_P12_SECRET);
        }
        String alias = null;
        for (String candidate : java.util.Collections.list(keys.aliases())) {
            alias = keys.isKeyEntry(candidate) ? candidate : alias;
        }
        org.apache.wss4j.common.crypto.Merlin bobsKey = new org.apache.wss4j.common.crypto.Merlin();
        bobsKey.setKeyStore(keys);
        javax.security.auth.callback.CallbackHandler presentToken = callbacks -> {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                ((org.apache.wss4j.common.saml.SAMLCallback) callback).setAssertionElement(token);
            }
        };
        String sent = visitor.call("send", "<m:send><m:message><m:recipient>alice@a.test</m:recipient>"
                + "<m:subject>A plain visit</m:subject><m:body>Sent by a client built from the contract.</m:body></m:message></m:send>",
                Map.of(org.apache.cxf.ws.security.SecurityConstants.SAML_CALLBACK_HANDLER, presentToken,
                        org.apache.cxf.ws.security.SecurityConstants.SIGNATURE_USERNAME, alias,
                        org.apache.cxf.ws.security.SecurityConstants.SIGNATURE_CRYPTO, bobsKey,
                        org.apache.cxf.ws.security.SecurityConstants.CALLBACK_HANDLER, PlainCxfClient.secret(new String(BOB_P12_SECRET)),
                        org.apache.cxf.ws.security.SecurityConstants.ASYMMETRIC_SIGNATURE_ALGORITHM,
                        org.apache.wss4j.dom.WSConstants.RSA_SHA256));
        assertFalse(sent, sent.startsWith("refused"));
        Header arrived = awaitMessage(alice(), "A plain visit").orElseThrow(() -> new AssertionError("alice never got it: " + sent));
        assertEquals("bob@b.test", arrived.getSender());
    }

    @Test
    public void bobVisitsTheServerOfATestWithATokenFromHisOwnServer() throws Exception {
        Path p12 = bobsCertificate();
        WsemailClient bobAtHome = WsemailClient.withCertificate(b.base(), p12, BOB_P12_SECRET, trustCa());
        Element token = bobAtHome.requestToken("a.test");
        assertEquals("Assertion", token.getLocalName());

        WsemailClient visiting = WsemailClient.visiting(a.base(), "a.test", token, p12, BOB_P12_SECRET, trustCa());
        visiting.send(List.of(Address.parse("alice@a.test")), "Straight to a.test", "Sent at a.test itself, vouched for by b.test.");
        Header arrived = awaitMessage(alice(), "Straight to a.test").orElseThrow(() -> new AssertionError("alice never got it"));
        assertEquals("bob@b.test", arrived.getSender());
        ReadMessage read = alice().read(arrived.getId());
        assertTrue(read.signatureReport(), read.verified());
        assertTrue(read.signatureReport(), read.signatureReport().startsWith("signed by your own server a.test"));

        String version = System.getProperty("wsemail.version");
        a.shell("wsemail:plugin-install mvn:org.wsemail.plugins/address-book/" + version);
        try {
            Element publish = element("publish");
            publish.setAttribute("name", "Alice Archer");
            alice().extension("address-book", publish);
            Element search = element("search");
            search.setAttribute("query", "archer");
            Element entries = visiting.extension("address-book", search);
            assertEquals("alice@a.test", ((Element) entries.getFirstChild()).getAttribute("address"));
        } finally {
            a.shell("wsemail:plugin-uninstall address-book");
        }

        assertVisitorRefused(() -> visiting.inbox(Instant.EPOCH), "bob@b.test is a visitor from b.test and has no mailbox at a.test; a visitor may send to users of a.test and call extensions");
        assertVisitorRefused(() -> visiting.send(List.of(Address.parse("carol@c.test")), "Relay?", "x"),
                "a visitor from b.test may send only to users of a.test, not to carol@c.test; nothing was sent");
        try {
            client(b, "bob@b.test", "bob-password-12").requestToken("a.test");
            fail("a token was issued to a password login");
        } catch (WsemailException expected) {
            assertEquals(FaultCodes.NOT_AUTHORIZED, expected.code());
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    @Test
    public void bobSendsAsAVisitorFromTheCommandLine() throws Exception {
        Path p12 = bobsCertificate();
        List<String> line = List.of(b.home.resolve("bin/wsemail").toString(), "--server", b.base().toString(), "--certificate",
                p12.toString(), "--trust", caPem.toString());
        Path tokenFile = root.resolve("bob-token.xml");
        String token = run(line, new String(BOB_P12_SECRET), "token", "a.test", "--out", tokenFile.toString());
        assertTrue(token, token.startsWith("exit 0\n"));
        assertTrue(Files.readString(tokenFile).contains("a.test"));
        String sent = run(line, new String(BOB_P12_SECRET), "visit", a.base().toString(), "send", "--to", "alice@a.test",
                "--subject", "Visiting from the command line", "--body", "on a token from b.test");
        assertTrue(sent, sent.startsWith("exit 0\n") && sent.contains("Sent "));
        Header arrived = awaitMessage(alice(), "Visiting from the command line")
                .orElseThrow(() -> new AssertionError("alice never got it"));
        assertEquals("bob@b.test", arrived.getSender());
    }

    /** {@code line} and then {@code command}, with the password in the environment: "exit N" and what it printed. */
    private static String run(List<String> line, String password, String... command) throws Exception {
        return run(line, java.util.Map.of("WSEMAIL_PASSWORD", password), command);
    }

    private static String run(List<String> line, java.util.Map<String, String> environment, String... command) throws Exception {
        List<String> full = new java.util.ArrayList<>(line);
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("wsemail did not finish", process.waitFor(60, TimeUnit.SECONDS));
        return "exit " + process.exitValue() + "\n" + output;
    }

    private static void assertVisitorRefused(Call call, String message) throws Exception {
        try {
            call.run();
            fail("a visitor was allowed: " + message);
        } catch (WsemailException expected) {
            assertEquals(FaultCodes.NOT_AUTHORIZED, expected.code());
            assertEquals(message, expected.getMessage());
        }
    }

    @Test
    public void tokensFromTheWrongIssuerExpiredOrUsedWithoutTheirKeyAreRefused() throws Exception {
        Path p12 = bobsCertificate();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, BOB_P12_SECRET);
        }
        java.security.cert.X509Certificate bobsKey = (java.security.cert.X509Certificate) store.getCertificate(store.aliases().nextElement());
        Instant now = Instant.now();
        Pki.CertifiedKey aServer = Pki.issueServerCertificate(CA, "a.test", Duration.ofDays(1));
        Pki.CertifiedKey cServer = Pki.issueServerCertificate(CA, "c.test", Duration.ofDays(1));
        Pki.CertifiedKey bServer = Pki.issueServerCertificate(CA, "b.test", Duration.ofDays(1));

        java.util.Map<String, Element> forged = new java.util.LinkedHashMap<>();
        forged.put("issued by a.test for a user of b.test", SamlTokens.issue(aServer, List.of(aServer.certificate(), CA.certificate()),
                "a.test", "bob@b.test", bobsKey, "a.test", now, Duration.ofMinutes(5)));
        forged.put("issued by a third domain", SamlTokens.issue(cServer, List.of(cServer.certificate(), CA.certificate()),
                "c.test", "bob@b.test", bobsKey, "a.test", now, Duration.ofMinutes(5)));
        forged.put("claiming b.test but signed by c.test", SamlTokens.issue(cServer, List.of(cServer.certificate(), CA.certificate()),
                "b.test", "bob@b.test", bobsKey, "a.test", now, Duration.ofMinutes(5)));
        forged.put("expired", SamlTokens.issue(bServer, List.of(bServer.certificate(), CA.certificate()),
                "b.test", "bob@b.test", bobsKey, "a.test", now.minus(Duration.ofHours(2)), Duration.ofMinutes(5)));
        forged.put("for another audience", SamlTokens.issue(bServer, List.of(bServer.certificate(), CA.certificate()),
                "b.test", "bob@b.test", bobsKey, "c.test", now, Duration.ofMinutes(5)));
        forged.put("valid for days", SamlTokens.issue(bServer, List.of(bServer.certificate(), CA.certificate()),
                "b.test", "bob@b.test", bobsKey, "a.test", now, Duration.ofDays(3)));
        Pki.CertifiedKey untrustedCa = Pki.createAuthority("Nobody's CA", Duration.ofDays(1));
        Pki.CertifiedKey untrustedB = Pki.issueServerCertificate(untrustedCa, "b.test", Duration.ofDays(1));
        forged.put("signed by an untrusted b.test", SamlTokens.issue(untrustedB, List.of(untrustedB.certificate(), untrustedCa.certificate()),
                "b.test", "bob@b.test", bobsKey, "a.test", now, Duration.ofMinutes(5)));

        for (java.util.Map.Entry<String, Element> token : forged.entrySet()) {
            WsemailClient visiting = WsemailClient.visiting(a.base(), "a.test", token.getValue(), p12, BOB_P12_SECRET, trustCa());
            assertTokenRefused(token.getKey(), visiting);
        }

        // A genuine token, but the requests are signed with another key than the one it is bound to.
        Element genuine = WsemailClient.withCertificate(b.base(), p12, BOB_P12_SECRET, trustCa()).requestToken("a.test");
        Pki.CertifiedKey thief = Pki.issueUserCertificate(CA, "bob@b.test", Duration.ofDays(1));
        Path thiefP12 = root.resolve("thief.p12");
        Files.write(thiefP12, Pki.keyStoreBytes(BOB_P12_SECRET, "bob@b.test", thief, CA.certificate()));
        assertTokenRefused("signed without the token's key",
                WsemailClient.visiting(a.base(), "a.test", genuine, thiefP12, BOB_P12_SECRET, trustCa()));

        Thread.sleep(1000);
        assertTrue(find(alice(), "Forged visit").isEmpty());
    }

    private static void assertTokenRefused(String what, WsemailClient visiting) {
        try {
            visiting.send(List.of(Address.parse("alice@a.test")), "Forged visit", "x");
            fail("a.test accepted a token " + what);
        } catch (WsemailException expected) {
            assertEquals(what + ": " + expected.getMessage(), WsemailException.NOT_AUTHENTICATED, expected.code());
        }
    }

    /**
     * The paper's test bed in small: a.test is the local server, b.test the external one; two bench
     * clients in two worker processes, every send also to a user at b.test, and b.test's load
     * generator sending to the bench users. Checks completion without errors, never timing.
     */
    @Test
    public void theBenchmarkRunsThePapersTestBedWithoutErrors() throws Exception {
        String benchPassword = passwordFile("bench-password-1");
        a.shell("wsemail:user-add --password-file " + benchPassword + " bench1@a.test",
                "wsemail:user-add --password-file " + benchPassword + " bench2@a.test");
        b.shell("wsemail:user-add --password-file " + benchPassword + " load@b.test",
                "wsemail:user-add --password-file " + benchPassword + " sink@b.test");
        long relayedBefore = relayed(a);
        long logBefore = a.logMark();
        Path json = root.resolve("bench.json");
        Path png = root.resolve("bench.png");
        String output = wsemail(a, "bench1@a.test", "bench-password-1", "bench", "--threads", "2", "--processes", "2",
                "--requests", "60", "--warmup", "5", "--prime", "3", "--users", "bench1@a.test,bench2@a.test",
                "--to", "sink@b.test", "--load-from", "load@b.test", "--load-server", b.base().toString(),
                "--json", json.toString(), "--histogram", png.toString());
        assertTrue(output, output.startsWith("exit 0\n"));
        assertTrue(output, output.contains("2 clients (2 processes) x 60 requests as 2 users"));
        assertTrue(output, output.contains("; 0 errors;"));
        String figures = Files.readString(json);
        assertTrue(figures, figures.contains("\"errors\":0") && figures.contains("\"p99\":") && figures.contains("\"variance\":"));
        assertTrue(figures, figures.matches("(?s).*\"retrieve\":\\{[^}]*\"responseBytes\":[1-9][0-9]{2,}.*"));
        assertTrue(figures, figures.matches("(?s).*\"loadGenerator\":\\{\"sent\":[1-9][0-9]*,\"failed\":0}.*"));
        byte[] image = Files.readAllBytes(png);
        assertTrue("a PNG image", image.length > 1000 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G');

        // What the bench did is real mail: relayed to b.test, and b.test's background mail at the bench users.
        assertTrue("a.test relayed the sends to b.test", relayed(a) > relayedBefore);
        WsemailClient sink = client(b, "sink@b.test", "bench-password-1");
        assertTrue("sink@b.test got the bench mail", awaitSubjectStarting(sink, "bench "));
        // The bench's own deletes may have emptied bench1's inbox by now, so a.test's log is the witness.
        java.util.regex.Pattern stored = java.util.regex.Pattern.compile(
                "Delivered message \\S+ from load@b\\.test [^\\n]*\\[bench1@a\\.test STORED\\]");
        assertTrue("bench1@a.test got b.test's background mail",
                stored.matcher(a.awaitLog(logBefore, log -> stored.matcher(log).find(), MAIL_WAIT)).find());
    }

    /** The benchmark logs in with an X.509 certificate just as well. */
    @Test
    public void theBenchmarkLogsInWithACertificate() throws Exception {
        bobsCertificate(); // b.test's authority exists
        Path p12 = root.resolve("carol.p12");
        b.shell("wsemail:user-add --password-file " + passwordFile("carol-password-1") + " carol@b.test",
                "wsemail:cert-issue-user --password-file " + passwordFile("carol-p12-secret") + " --out " + p12 + " carol@b.test");
        String output = wsemail(b, "carol@b.test", "carol-p12-secret", "--certificate", p12.toString(), "bench",
                "--threads", "2", "--requests", "30", "--prime", "2");
        assertTrue(output, output.startsWith("exit 0\n"));
        assertTrue(output, output.contains("login: X.509 certificate"));
        assertTrue(output, output.contains("; 0 errors;"));
    }

    /** The messages a.test or b.test has relayed to another server, from wsemail:peer-traffic. */
    private static long relayed(ServerProcess server) throws Exception {
        String line = server.shell("wsemail:peer-traffic");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("relayed (\\d+) messages").matcher(line);
        assertTrue(line, m.find());
        return Long.parseLong(m.group(1));
    }

    private static boolean awaitSubjectStarting(WsemailClient owner, String prefix) throws Exception {
        long deadline = System.nanoTime() + MAIL_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (owner.inbox(Instant.EPOCH).stream().anyMatch(h -> h.getSubject().startsWith(prefix))) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private static Element element(String name) throws Exception {
        org.w3c.dom.Document document = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        Element element = document.createElementNS(null, name);
        document.appendChild(element);
        return element;
    }

    private static void child(Element parent, String name, String text) {
        Element child = parent.getOwnerDocument().createElementNS(null, name);
        child.setTextContent(text);
        parent.appendChild(child);
    }
}
